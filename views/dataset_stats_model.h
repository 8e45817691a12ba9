// Table 1 of the paper for the datasets open in the app: one row per dataset, columns #Items,
// #Users, Avg. seq. length, Behavior types, #Item/#User.
#pragma once
#include <QAbstractTableModel>
#include <vector>

#include "data/stats.h"

class DatasetStatsModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Name, Items, Users, AvgSeqLen, Behaviors, ItemUserRatio, ColumnCount };
  explicit DatasetStatsModel(QObject* parent = nullptr);

  void setStats(std::vector<tmf::DatasetStats> rows);
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  std::vector<tmf::DatasetStats> m_rows;
};
