// Tables 2 and 3 of the paper rebuilt from stored evaluation runs (eval/eval_runs.h): runs are
// grouped by dataset, model and ablation level; HitRate@1 (hits over all rows) and ValidRatio are
// given as mean ± sample std over the seeds. Table 2 holds the baselines and full TMF (level
// "cma"); Table 3 holds TMF at every ablation level (text, behavior, amsa, cma).
#pragma once
#include <QAbstractTableModel>
#include <QString>
#include <vector>

#include "eval/eval_runs.h"

struct ExperimentRow {
  QString dataset, model, level, part;
  int seeds = 0;
  int64_t rows = 0;  // evaluated rows over all seeds
  double hitMean = 0, hitStd = 0, validMean = 0, validStd = 0;
};

enum class PaperTable { Table2, Table3 };

// Rows of one table from the runs of one dataset (only runs of `part`), in paper order.
std::vector<ExperimentRow> aggregateRuns(const QString& dataset, const std::vector<tmf::EvalRun>& runs,
                                         PaperTable table, const QString& part = QStringLiteral("test"));

class ExperimentTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Dataset, Model, Seeds, HitRate, ValidRatio, Rows, ColumnCount };
  enum Role { MeanRole = Qt::UserRole + 1, StdRole };
  explicit ExperimentTableModel(QObject* parent = nullptr);
  void setRows(std::vector<ExperimentRow> rows);
  const std::vector<ExperimentRow>& rows() const { return m_rows; }
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  QString toCsv() const;

 private:
  std::vector<ExperimentRow> m_rows;
};
