// The paper's Fig. 5: distribution of human rating scores as a bubble chart. x = one column per
// (source, dataset), y = rating 1..5, bubble AREA proportional to the share of that rating in the
// column's ratings (a full column of one score gives the largest bubble). One colour per source.
// Painted by hand (QPainter) so that the same drawing goes to the screen, PNG and SVG.
#pragma once
#include <QWidget>
#include <vector>

#include "rating/rating_stats.h"

class BubbleChart : public QWidget {
  Q_OBJECT
 public:
  explicit BubbleChart(QWidget* parent = nullptr);
  void setRows(const std::vector<tmf::SourceRatingStats>& rows);
  const std::vector<tmf::SourceRatingStats>& rows() const { return m_rows; }

  void paintChart(QPainter& p, const QRectF& area) const;
  QImage renderImage(const QSize& size = QSize(900, 520)) const;
  bool savePng(const QString& path, const QSize& size = QSize(900, 520)) const;
  bool saveSvg(const QString& path, const QSize& size = QSize(900, 520)) const;

  QSize sizeHint() const override { return QSize(640, 380); }

 protected:
  void paintEvent(QPaintEvent*) override;

 private:
  std::vector<tmf::SourceRatingStats> m_rows;
};
