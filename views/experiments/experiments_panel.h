// The Experiments panel: Tables 2 and 3 rebuilt from the evaluation runs stored in the open
// dataset and in any other dataset files the analyst adds, as tables and as grouped bar charts
// (Qt Charts) of HitRate@1 and ValidRatio per dataset and model / ablation level. Runs are read
// off the UI thread. Exports the tables as CSV and the charts as PNG.
#pragma once
#include <QStringList>
#include <QWidget>
#include <map>
#include <memory>
#include <vector>

#include "eval/eval_runs.h"
#include "experiments/experiment_table.h"

class QChartView;
class QComboBox;
class QLabel;
class QTabWidget;
struct LoadedDataset;

class ExperimentsPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ExperimentsPanel(QWidget* parent = nullptr);
  void setDataset(std::shared_ptr<LoadedDataset> dataset);
  void addDatasetFile(const QString& path);  // reads its runs in the background; dialog on failure
  void setRuns(const QString& dataset, std::vector<tmf::EvalRun> runs);  // replaces that dataset's runs
  void reload();

  ExperimentTableModel* table(PaperTable t) const { return t == PaperTable::Table2 ? m_table2 : m_table3; }
  QChartView* chart(PaperTable t, bool validRatio) const;
  bool exportCsv(PaperTable t, const QString& path, QString* error) const;
  bool exportChartPng(PaperTable t, const QString& path, QString* error) const;
  bool quietErrors = false;

 Q_SIGNALS:
  void runsLoaded();

 private:
  void rebuild();
  void rebuildChart(QChartView* view, ExperimentTableModel* model, bool validRatio, const QString& title);
  QWidget* page(PaperTable t);

  std::shared_ptr<LoadedDataset> m_dataset;
  std::map<QString, std::vector<tmf::EvalRun>> m_runs;  // dataset name -> runs
  QStringList m_extraFiles;
  QComboBox* m_part;
  QLabel* m_status;
  QTabWidget* m_tabs;
  ExperimentTableModel* m_table2;
  ExperimentTableModel* m_table3;
  QChartView* m_hit2;
  QChartView* m_valid2;
  QChartView* m_hit3;
  QChartView* m_valid3;
};
