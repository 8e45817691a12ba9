// A heatmap of one attention matrix (rows attend to columns; here the history steps) in the
// viridis colour scale with a legend, item thumbnails and behavior glyphs along both axes, the
// exact value on hover (tooltip and cellHovered) and a click that selects a cell and highlights
// its two items. The same painting code renders the widget, PNG and SVG exports, so what is
// exported is what is seen; exportCsv writes the matrix with item names as headers.
#pragma once
#include <QImage>
#include <QString>
#include <QVector>
#include <QWidget>
#include <vector>

#include "behavior_glyph.h"

class QPainter;

struct HeatmapAxisLabel {
  QString name;
  QImage thumbnail;       // may be null
  BehaviorGlyph behavior;
};

class HeatmapWidget : public QWidget {
  Q_OBJECT
 public:
  explicit HeatmapWidget(QWidget* parent = nullptr);

  // values: rows × cols, row-major. The colour scale spans [0, max] unless setValueRange is used.
  void setMatrix(int rows, int cols, std::vector<float> values, const QString& title);
  void setAxisLabels(QVector<HeatmapAxisLabel> rowLabels, QVector<HeatmapAxisLabel> colLabels);
  void setValueRange(float lo, float hi);  // lo == hi = automatic
  void clear();

  int rows() const { return m_rows; }
  int cols() const { return m_cols; }
  float value(int r, int c) const { return m_values[size_t(r) * size_t(m_cols) + size_t(c)]; }
  const std::vector<float>& values() const { return m_values; }
  QString title() const { return m_title; }
  float rangeLow() const { return m_lo; }
  float rangeHigh() const { return m_hi; }

  // Cell under a widget position, (-1, -1) outside the grid; the hover text of a cell.
  QPoint cellAt(const QPointF& pos) const;
  QRectF cellRect(int r, int c) const;
  QString cellText(int r, int c) const;
  QPoint selectedCell() const { return m_selected; }
  void selectCell(int r, int c);  // (-1, -1) clears

  void render(QPainter& p, const QSize& size) const;
  QImage toImage(const QSize& size = {}) const;  // default: the widget's size
  bool exportPng(const QString& path, QString* error) const;
  bool exportSvg(const QString& path, QString* error) const;
  bool exportCsv(const QString& path, QString* error) const;

  QSize sizeHint() const override { return {560, 460}; }
  QSize minimumSizeHint() const override { return {220, 180}; }

 Q_SIGNALS:
  void cellClicked(int row, int col);
  void cellHovered(int row, int col, float value);

 protected:
  void paintEvent(QPaintEvent*) override;
  void mouseMoveEvent(QMouseEvent* e) override;
  void mousePressEvent(QMouseEvent* e) override;
  void leaveEvent(QEvent*) override;

 private:
  struct Geometry {
    QRectF grid, legend, title;
    double cell = 0, label = 0;
  };
  Geometry geometry(const QSize& size) const;
  void paintAxisLabel(QPainter& p, const QRectF& r, const HeatmapAxisLabel& l, bool highlight) const;
  QString rowName(int r) const;
  QString colName(int c) const;

  int m_rows = 0, m_cols = 0;
  std::vector<float> m_values;
  QString m_title;
  QVector<HeatmapAxisLabel> m_rowLabels, m_colLabels;
  float m_lo = 0, m_hi = 1;
  bool m_autoRange = true;
  QPoint m_selected{-1, -1}, m_hover{-1, -1};
};
