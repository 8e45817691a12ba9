#include "attention/heatmap_widget.h"

#include <QFile>
#include <QLinearGradient>
#include <QMouseEvent>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTextStream>
#include <QToolTip>
#include <algorithm>
#include <cmath>

#include "viridis.h"

namespace {
constexpr double kMargin = 8, kTitleH = 22, kGlyph = 14, kLegendW = 70, kMaxCell = 90;

QString csvField(QString s) {
  if (s.contains(QLatin1Char(',')) || s.contains(QLatin1Char('"')) || s.contains(QLatin1Char('\n')))
    s = QLatin1Char('"') + s.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
  return s;
}
}  // namespace

HeatmapWidget::HeatmapWidget(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setAttribute(Qt::WA_OpaquePaintEvent);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void HeatmapWidget::setMatrix(int rows, int cols, std::vector<float> values, const QString& title) {
  if (rows < 0 || cols < 0 || values.size() != size_t(rows) * size_t(cols)) {
    rows = cols = 0;
    values.clear();
  }
  m_rows = rows;
  m_cols = cols;
  m_values = std::move(values);
  m_title = title;
  if (m_autoRange) {
    m_lo = 0;
    m_hi = 0;
    for (float v : m_values)
      if (std::isfinite(v)) m_hi = std::max(m_hi, v);
    if (m_hi <= m_lo) m_hi = m_lo + 1;
  }
  if (m_selected.x() >= m_rows || m_selected.y() >= m_cols) m_selected = {-1, -1};
  m_hover = {-1, -1};
  update();
}

void HeatmapWidget::setAxisLabels(QVector<HeatmapAxisLabel> rowLabels, QVector<HeatmapAxisLabel> colLabels) {
  m_rowLabels = std::move(rowLabels);
  m_colLabels = std::move(colLabels);
  update();
}

void HeatmapWidget::setValueRange(float lo, float hi) {
  m_autoRange = !(hi > lo);
  if (!m_autoRange) {
    m_lo = lo;
    m_hi = hi;
  }
  setMatrix(m_rows, m_cols, m_values, m_title);
}

void HeatmapWidget::clear() {
  setMatrix(0, 0, {}, QString());
  m_rowLabels.clear();
  m_colLabels.clear();
  m_selected = {-1, -1};
}

HeatmapWidget::Geometry HeatmapWidget::geometry(const QSize& size) const {
  Geometry g;
  g.title = QRectF(kMargin, kMargin, size.width() - 2 * kMargin, kTitleH);
  if (m_rows == 0 || m_cols == 0) return g;
  // Axis labels take a thumbnail square plus a glyph; the thumbnail follows the cell size.
  const double availW = size.width() - 2 * kMargin - kLegendW;
  const double availH = size.height() - 2 * kMargin - kTitleH;
  double label = 36;
  double cell = std::min((availW - label - kGlyph - 4) / m_cols, (availH - label - kGlyph - 4) / m_rows);
  label = std::clamp(cell, 14.0, 40.0);
  cell = std::min((availW - label - kGlyph - 4) / m_cols, (availH - label - kGlyph - 4) / m_rows);
  cell = std::clamp(cell, 2.0, kMaxCell);
  g.cell = cell;
  g.label = label;
  const double left = kMargin + kGlyph + label + 4, top = kMargin + kTitleH + kGlyph + label + 4;
  g.grid = QRectF(left, top, cell * m_cols, cell * m_rows);
  g.legend = QRectF(g.grid.right() + 14, top, 14, std::max(60.0, g.grid.height()));
  return g;
}

QRectF HeatmapWidget::cellRect(int r, int c) const {
  Geometry g = geometry(size());
  return QRectF(g.grid.left() + c * g.cell, g.grid.top() + r * g.cell, g.cell, g.cell);
}

QPoint HeatmapWidget::cellAt(const QPointF& pos) const {
  Geometry g = geometry(size());
  if (g.cell <= 0 || !g.grid.contains(pos)) return {-1, -1};
  int c = int((pos.x() - g.grid.left()) / g.cell), r = int((pos.y() - g.grid.top()) / g.cell);
  if (r < 0 || r >= m_rows || c < 0 || c >= m_cols) return {-1, -1};
  return {r, c};  // x = row, y = column
}

QString HeatmapWidget::rowName(int r) const {
  return r < m_rowLabels.size() ? m_rowLabels[r].name : tr("row %1").arg(r + 1);
}
QString HeatmapWidget::colName(int c) const {
  return c < m_colLabels.size() ? m_colLabels[c].name : tr("column %1").arg(c + 1);
}

QString HeatmapWidget::cellText(int r, int c) const {
  if (r < 0 || c < 0 || r >= m_rows || c >= m_cols) return {};
  auto beh = [](const QVector<HeatmapAxisLabel>& v, int i) {
    return i < v.size() && !v[i].behavior.name.isEmpty() ? QStringLiteral(" (%1)").arg(v[i].behavior.name) : QString();
  };
  return tr("step %1 %2%3 → step %4 %5%6: %7")
      .arg(r + 1).arg(rowName(r), beh(m_rowLabels, r)).arg(c + 1).arg(colName(c), beh(m_colLabels, c))
      .arg(double(value(r, c)), 0, 'f', 6);
}

void HeatmapWidget::selectCell(int r, int c) {
  m_selected = (r >= 0 && c >= 0 && r < m_rows && c < m_cols) ? QPoint(r, c) : QPoint(-1, -1);
  update();
}

void HeatmapWidget::paintAxisLabel(QPainter& p, const QRectF& r, const HeatmapAxisLabel& l, bool highlight) const {
  if (!l.thumbnail.isNull()) {
    QImage img = l.thumbnail.scaled(r.size().toSize(), Qt::KeepAspectRatio, Qt::SmoothTransformation);
    p.drawImage(QPointF(r.center().x() - img.width() / 2.0, r.center().y() - img.height() / 2.0), img);
  } else {
    p.fillRect(r.adjusted(1, 1, -1, -1), QColor(0xDD, 0xDD, 0xDD));
    QFont f = p.font();
    f.setPixelSize(std::max(7, int(r.height() / 3)));
    p.setFont(f);
    p.setPen(Qt::darkGray);
    p.drawText(r, Qt::AlignCenter, l.name.left(2));
  }
  if (highlight) {
    p.setPen(QPen(QColor(0xFF, 0x45, 0x00), 3));
    p.setBrush(Qt::NoBrush);
    p.drawRect(r.adjusted(1, 1, -1, -1));
  }
}

void HeatmapWidget::render(QPainter& p, const QSize& size) const {
  p.save();
  p.fillRect(QRect(QPoint(0, 0), size), Qt::white);
  Geometry g = geometry(size);
  QFont titleFont = p.font();
  titleFont.setPixelSize(13);
  titleFont.setBold(true);
  p.setFont(titleFont);
  p.setPen(Qt::black);
  p.drawText(g.title, Qt::AlignLeft | Qt::AlignVCenter, m_title.isEmpty() ? tr("No attention to show") : m_title);
  if (g.cell <= 0) {
    p.restore();
    return;
  }
  const double span = double(m_hi - m_lo);
  // Cells.
  QFont valueFont = p.font();
  valueFont.setBold(false);
  valueFont.setPixelSize(std::clamp(int(g.cell / 3.6), 7, 12));
  p.setFont(valueFont);
  for (int r = 0; r < m_rows; ++r) {
    for (int c = 0; c < m_cols; ++c) {
      const double t = (double(value(r, c)) - m_lo) / span;
      QRectF cr(g.grid.left() + c * g.cell, g.grid.top() + r * g.cell, g.cell, g.cell);
      p.fillRect(cr, viridis(t));
      if (g.cell >= 34) {
        p.setPen(t > 0.6 ? Qt::black : Qt::white);
        p.drawText(cr, Qt::AlignCenter, QString::number(double(value(r, c)), 'f', 2));
      }
    }
  }
  // Axis labels: rows on the left (glyph, then thumbnail), columns on top.
  const int sr = m_selected.x(), sc = m_selected.y();
  for (int r = 0; r < m_rows; ++r) {
    const double y = g.grid.top() + r * g.cell + (g.cell - std::min(g.cell, g.label)) / 2;
    const double s = std::min(g.cell, g.label);
    const HeatmapAxisLabel l = r < m_rowLabels.size() ? m_rowLabels[r] : HeatmapAxisLabel{rowName(r), {}, {}};
    paintAxisLabel(p, QRectF(g.grid.left() - 2 - s, y, s, s), l, r == sr);
    if (!l.behavior.name.isEmpty())
      paintBehaviorGlyph(p, QRectF(g.grid.left() - 4 - s - kGlyph, y + (s - kGlyph) / 2, kGlyph, kGlyph), l.behavior);
  }
  for (int c = 0; c < m_cols; ++c) {
    const double s = std::min(g.cell, g.label);
    const double x = g.grid.left() + c * g.cell + (g.cell - s) / 2;
    const HeatmapAxisLabel l = c < m_colLabels.size() ? m_colLabels[c] : HeatmapAxisLabel{colName(c), {}, {}};
    paintAxisLabel(p, QRectF(x, g.grid.top() - 2 - s, s, s), l, c == sc);
    if (!l.behavior.name.isEmpty())
      paintBehaviorGlyph(p, QRectF(x + (s - kGlyph) / 2, g.grid.top() - 4 - s - kGlyph, kGlyph, kGlyph), l.behavior);
  }
  // Selection and hover.
  p.setBrush(Qt::NoBrush);
  if (sr >= 0) {
    p.setPen(QPen(QColor(0xFF, 0x45, 0x00), 1, Qt::DashLine));
    p.drawRect(QRectF(g.grid.left(), g.grid.top() + sr * g.cell, g.grid.width(), g.cell));
    p.drawRect(QRectF(g.grid.left() + sc * g.cell, g.grid.top(), g.cell, g.grid.height()));
    p.setPen(QPen(QColor(0xFF, 0x45, 0x00), 3));
    p.drawRect(QRectF(g.grid.left() + sc * g.cell, g.grid.top() + sr * g.cell, g.cell, g.cell));
  }
  if (m_hover.x() >= 0 && m_hover != m_selected) {
    p.setPen(QPen(Qt::white, 2));
    p.drawRect(QRectF(g.grid.left() + m_hover.y() * g.cell, g.grid.top() + m_hover.x() * g.cell, g.cell, g.cell));
  }
  // Legend: the colour scale from low (bottom) to high (top) with three ticks.
  QLinearGradient grad(g.legend.bottomLeft(), g.legend.topLeft());
  for (int i = 0; i <= 16; ++i) grad.setColorAt(i / 16.0, viridis(i / 16.0));
  p.fillRect(g.legend, grad);
  p.setPen(Qt::black);
  p.drawRect(g.legend);
  QFont legendFont = p.font();
  legendFont.setPixelSize(10);
  p.setFont(legendFont);
  for (int i = 0; i <= 2; ++i) {
    const double y = g.legend.bottom() - g.legend.height() * i / 2.0;
    p.drawLine(QPointF(g.legend.right(), y), QPointF(g.legend.right() + 3, y));
    p.drawText(QRectF(g.legend.right() + 5, y - 7, kLegendW - 30, 14), Qt::AlignLeft | Qt::AlignVCenter,
               QString::number(double(m_lo) + span * i / 2.0, 'f', 3));
  }
  p.restore();
}

void HeatmapWidget::paintEvent(QPaintEvent*) {
  QPainter p(this);
  render(p, size());
}

void HeatmapWidget::mouseMoveEvent(QMouseEvent* e) {
  const QPoint cell = cellAt(e->position());
  if (cell != m_hover) {
    m_hover = cell;
    update();
  }
  if (cell.x() >= 0) {
    QToolTip::showText(e->globalPosition().toPoint(), cellText(cell.x(), cell.y()), this);
    Q_EMIT cellHovered(cell.x(), cell.y(), value(cell.x(), cell.y()));
  } else {
    QToolTip::hideText();
  }
}

void HeatmapWidget::mousePressEvent(QMouseEvent* e) {
  const QPoint cell = cellAt(e->position());
  if (e->button() != Qt::LeftButton) return;
  selectCell(cell.x(), cell.y());
  if (cell.x() >= 0) Q_EMIT cellClicked(cell.x(), cell.y());
}

void HeatmapWidget::leaveEvent(QEvent*) {
  m_hover = {-1, -1};
  update();
}

QImage HeatmapWidget::toImage(const QSize& requested) const {
  const QSize s = requested.isValid() ? requested : size();
  QImage img(s, QImage::Format_ARGB32_Premultiplied);
  img.fill(Qt::white);
  QPainter p(&img);
  p.setRenderHint(QPainter::Antialiasing);
  render(p, s);
  return img;
}

bool HeatmapWidget::exportPng(const QString& path, QString* error) const {
  QImage img = toImage(size().expandedTo(sizeHint()));
  if (img.save(path, "PNG")) return true;
  if (error) *error = tr("Cannot write the PNG file '%1'.").arg(path);
  return false;
}

bool HeatmapWidget::exportSvg(const QString& path, QString* error) const {
  const QSize s = size().expandedTo(sizeHint());
  QSvgGenerator gen;
  gen.setFileName(path);
  gen.setSize(s);
  gen.setViewBox(QRect(QPoint(0, 0), s));
  gen.setTitle(m_title);
  gen.setDescription(tr("TMF Studio attention heatmap (viridis scale %1 to %2)").arg(double(m_lo)).arg(double(m_hi)));
  QPainter p;
  if (!p.begin(&gen)) {
    if (error) *error = tr("Cannot write the SVG file '%1'.").arg(path);
    return false;
  }
  render(p, s);
  p.end();
  if (QFile(path).size() > 0) return true;
  if (error) *error = tr("Cannot write the SVG file '%1'.").arg(path);
  return false;
}

bool HeatmapWidget::exportCsv(const QString& path, QString* error) const {
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) {
    if (error) *error = tr("Cannot write '%1': %2").arg(path, f.errorString());
    return false;
  }
  QTextStream out(&f);
  out << csvField(m_title);
  for (int c = 0; c < m_cols; ++c) out << ',' << csvField(colName(c));
  out << '\n';
  for (int r = 0; r < m_rows; ++r) {
    out << csvField(rowName(r));
    for (int c = 0; c < m_cols; ++c) out << ',' << QString::number(double(value(r, c)), 'g', 8);
    out << '\n';
  }
  out.flush();
  if (f.commit()) return true;
  if (error) *error = tr("Cannot write '%1': %2").arg(path, f.errorString());
  return false;
}
