#include "rating/rating_stats_model.h"

void RatingStatsModel::setRows(std::vector<tmf::SourceRatingStats> rows) {
  beginResetModel();
  m_rows = std::move(rows);
  endResetModel();
}

int RatingStatsModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int RatingStatsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant RatingStatsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= int(m_rows.size())) return {};
  const auto& r = m_rows[size_t(index.row())];
  const int c = index.column();
  if (role == Qt::TextAlignmentRole && c >= Ratings) return int(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ToolTipRole && (c == Kappa || c == PValue)) {
    if (!r.kappa_note.empty() || !r.kappa.defined) return QString::fromStdString(r.kappa_note);
    return tr("Fleiss' kappa over %1 recommendations scored by all %2 raters (%3 left out); z = %4")
        .arg(r.kappa_subjects).arg(r.raters).arg(r.kappa_excluded).arg(r.kappa.z, 0, 'f', 3);
  }
  if (role != Qt::DisplayRole) return {};
  switch (c) {
    case Source: return QString::fromStdString(r.source);
    case Dataset: return QString::fromStdString(r.dataset);
    case Ratings: return qlonglong(r.ratings);
    case Average: return r.ratings ? QString::number(r.mean, 'f', 2) : QStringLiteral("–");
    case Share1: case Share2: case Share3: case Share4: case Share5:
      return QStringLiteral("%1%").arg(100 * r.shares[size_t(c - Share1)], 0, 'f', 1);
    case Kappa: return r.kappa.defined ? QString::number(r.kappa.kappa, 'f', 3) : QStringLiteral("n/a");
    case PValue: return r.kappa.defined ? QString::number(r.kappa.p_value, 'g', 3) : QStringLiteral("n/a");
    case Subjects: return QStringLiteral("%1 / %2").arg(r.kappa_subjects).arg(r.recommendations);
  }
  return {};
}

QVariant RatingStatsModel::headerData(int section, Qt::Orientation o, int role) const {
  if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Source: return tr("Source");
    case Dataset: return tr("Dataset");
    case Ratings: return tr("Ratings");
    case Average: return tr("Average");
    case Share1: case Share2: case Share3: case Share4: case Share5: return tr("%1 (%)").arg(section - Share1 + 1);
    case Kappa: return tr("Fleiss' κ");
    case PValue: return tr("p-value");
    case Subjects: return tr("κ subjects");
  }
  return {};
}
