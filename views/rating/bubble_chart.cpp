#include "rating/bubble_chart.h"

#include <QPainter>
#include <QSvgGenerator>
#include <cmath>
#include <map>

namespace {
const QColor kPalette[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c),
                           QColor(0xd6, 0x27, 0x28), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b)};
}

BubbleChart::BubbleChart(QWidget* parent) : QWidget(parent) { setMinimumSize(320, 220); }

void BubbleChart::setRows(const std::vector<tmf::SourceRatingStats>& rows) {
  m_rows = rows;
  update();
}

void BubbleChart::paintChart(QPainter& p, const QRectF& area) const {
  p.save();
  p.setRenderHint(QPainter::Antialiasing);
  p.fillRect(area, Qt::white);
  const QFontMetricsF fm(p.font());
  const double left = area.left() + 40 + fm.horizontalAdvance(QStringLiteral("Rating")),
               right = area.right() - 16, top = area.top() + 28, bottom = area.bottom() - 3.2 * fm.height() - 8;
  p.setPen(Qt::black);
  p.drawText(QRectF(area.left(), area.top() + 4, area.width(), fm.height()), Qt::AlignHCenter,
             QStringLiteral("Distribution of human rating scores"));
  if (m_rows.empty() || right <= left || bottom <= top) {
    p.drawText(area, Qt::AlignCenter, QStringLiteral("No ratings yet"));
    p.restore();
    return;
  }
  const int n = int(m_rows.size());
  const double colW = (right - left) / n, rowH = (bottom - top) / 5;
  const double rmax = 0.5 * std::min(colW, rowH) * 0.95;
  // axes and grid
  p.setPen(QPen(QColor(0xcc, 0xcc, 0xcc), 1));
  for (int s = 1; s <= 5; ++s) {
    const double y = bottom - (s - 0.5) * rowH;
    p.drawLine(QPointF(left, y), QPointF(right, y));
  }
  p.setPen(Qt::black);
  p.drawLine(QPointF(left, top), QPointF(left, bottom));
  p.drawLine(QPointF(left, bottom), QPointF(right, bottom));
  for (int s = 1; s <= 5; ++s) {
    const double y = bottom - (s - 0.5) * rowH;
    p.drawText(QRectF(left - 28, y - fm.height() / 2, 22, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
               QString::number(s));
  }
  p.save();
  p.translate(area.left() + 4 + fm.height(), (top + bottom) / 2);
  p.rotate(-90);
  p.drawText(QRectF(-60, -fm.height(), 120, fm.height()), Qt::AlignCenter, QStringLiteral("Rating"));
  p.restore();
  std::map<std::string, QColor> colour;
  for (auto& r : m_rows)
    if (!colour.count(r.source)) colour[r.source] = kPalette[colour.size() % (sizeof kPalette / sizeof kPalette[0])];
  for (int c = 0; c < n; ++c) {
    const auto& r = m_rows[size_t(c)];
    const double x = left + (c + 0.5) * colW;
    QColor col = colour[r.source];
    for (int s = 1; s <= 5; ++s) {
      const double share = r.shares[size_t(s - 1)];
      if (share <= 0) continue;
      const double rad = rmax * std::sqrt(share);  // area ~ share
      const double y = bottom - (s - 0.5) * rowH;
      QColor fill = col;
      fill.setAlphaF(0.6);
      p.setPen(QPen(col.darker(130), 1));
      p.setBrush(fill);
      p.drawEllipse(QPointF(x, y), rad, rad);
      if (rad > fm.height() * 0.8) {
        p.setPen(Qt::black);
        p.drawText(QRectF(x - rad, y - fm.height() / 2, 2 * rad, fm.height()), Qt::AlignCenter,
                   QStringLiteral("%1%").arg(std::lround(100 * share)));
      }
    }
    p.setPen(Qt::black);
    p.drawText(QRectF(x - colW / 2, bottom + 4, colW, fm.height()), Qt::AlignHCenter | Qt::TextSingleLine,
               fm.elidedText(QString::fromStdString(r.source), Qt::ElideRight, colW - 4));
    p.drawText(QRectF(x - colW / 2, bottom + 4 + fm.height(), colW, fm.height()), Qt::AlignHCenter | Qt::TextSingleLine,
               fm.elidedText(QString::fromStdString(r.dataset), Qt::ElideRight, colW - 4));
    p.drawText(QRectF(x - colW / 2, bottom + 4 + 2 * fm.height(), colW, fm.height()), Qt::AlignHCenter,
               QStringLiteral("n=%1, avg %2").arg(r.ratings).arg(r.mean, 0, 'f', 2));
  }
  p.restore();
}

void BubbleChart::paintEvent(QPaintEvent*) {
  QPainter p(this);
  paintChart(p, rect());
}

QImage BubbleChart::renderImage(const QSize& size) const {
  QImage img(size, QImage::Format_ARGB32_Premultiplied);
  img.fill(Qt::white);
  QPainter p(&img);
  paintChart(p, QRectF(QPointF(0, 0), QSizeF(size)));
  return img;
}

bool BubbleChart::savePng(const QString& path, const QSize& size) const { return renderImage(size).save(path, "PNG"); }

bool BubbleChart::saveSvg(const QString& path, const QSize& size) const {
  QSvgGenerator gen;
  gen.setFileName(path);
  gen.setSize(size);
  gen.setViewBox(QRect(QPoint(0, 0), size));
  gen.setTitle(QStringLiteral("Distribution of human rating scores"));
  QPainter p;
  if (!p.begin(&gen)) return false;
  paintChart(p, QRectF(QPointF(0, 0), QSizeF(size)));
  return p.end();
}
