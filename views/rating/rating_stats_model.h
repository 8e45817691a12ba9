// Table 4 as an item model: one row per (source, dataset) with the number of ratings, the average
// rating, the share of each score 1..5, Fleiss' kappa and its p-value. Analyst-facing (names
// sources); never used in rater mode.
#pragma once
#include <QAbstractTableModel>
#include <vector>

#include "rating/rating_stats.h"

class RatingStatsModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Source, Dataset, Ratings, Average, Share1, Share2, Share3, Share4, Share5, Kappa, PValue, Subjects, ColumnCount };
  using QAbstractTableModel::QAbstractTableModel;

  void setRows(std::vector<tmf::SourceRatingStats> rows);
  const std::vector<tmf::SourceRatingStats>& rows() const { return m_rows; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

 private:
  std::vector<tmf::SourceRatingStats> m_rows;
};
