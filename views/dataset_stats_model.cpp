#include "dataset_stats_model.h"

#include <QStringList>

DatasetStatsModel::DatasetStatsModel(QObject* parent) : QAbstractTableModel(parent) {}

void DatasetStatsModel::setStats(std::vector<tmf::DatasetStats> rows) {
  beginResetModel();
  m_rows = std::move(rows);
  endResetModel();
}

int DatasetStatsModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int DatasetStatsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant DatasetStatsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= int(m_rows.size())) return {};
  const auto& r = m_rows[size_t(index.row())];
  if (role == Qt::TextAlignmentRole)
    return index.column() == Name || index.column() == Behaviors ? int(Qt::AlignLeft | Qt::AlignVCenter)
                                                                 : int(Qt::AlignRight | Qt::AlignVCenter);
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case Name: return QString::fromStdString(r.name);
    case Items: return qlonglong(r.items);
    case Users: return qlonglong(r.users);
    case AvgSeqLen: return QString::number(r.avg_seq_len, 'f', 2);
    case Behaviors: {
      QStringList names;
      for (auto& b : r.behaviors)
        names << QString::fromStdString(b) + (b == r.target_behavior ? QStringLiteral(" (target)") : QString());
      return names.join(QStringLiteral(", "));
    }
    case ItemUserRatio: return QString::number(r.item_user_ratio, 'f', 3);
  }
  return {};
}

QVariant DatasetStatsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* kNames[] = {"Dataset", "#Items", "#Users", "Avg. seq. length", "Behavior types", "#Item/#User"};
  return section >= 0 && section < ColumnCount ? QString::fromLatin1(kNames[section]) : QVariant();
}
