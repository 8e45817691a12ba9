#include "behavior_glyph.h"

#include <QPainter>
#include <QPainterPath>
#include <QtMath>

namespace {
const QColor kPalette[] = {QColor(0x56, 0xB4, 0xE9), QColor(0xE6, 0x9F, 0x00), QColor(0x00, 0x9E, 0x73),
                           QColor(0xCC, 0x79, 0xA7), QColor(0x00, 0x72, 0xB2)};
const QColor kTarget(0xD5, 0x5E, 0x00);

QPolygonF regular(const QRectF& r, int corners, double rotation, bool star) {
  QPolygonF poly;
  const QPointF c = r.center();
  const double outer = std::min(r.width(), r.height()) / 2.0;
  const int n = star ? corners * 2 : corners;
  for (int i = 0; i < n; ++i) {
    const double rad = star && (i % 2) ? outer * 0.5 : outer;
    const double a = rotation + 2 * M_PI * i / n;
    poly << QPointF(c.x() + rad * std::sin(a), c.y() - rad * std::cos(a));
  }
  return poly;
}
}  // namespace

QColor behaviorColor(const BehaviorGlyph& b) { return b.isTarget ? kTarget : kPalette[std::abs(b.position) % 5]; }

void paintBehaviorGlyph(QPainter& p, const QRectF& r, const BehaviorGlyph& b) {
  p.save();
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(QPen(behaviorColor(b).darker(140), 1));
  p.setBrush(behaviorColor(b));
  const QRectF box = r.adjusted(1, 1, -1, -1);
  if (b.isTarget) {
    p.drawPolygon(regular(box, 5, 0, /*star=*/true));
  } else {
    switch (std::abs(b.position) % 5) {
      case 0: p.drawEllipse(box); break;
      case 1: p.drawRect(box.adjusted(1, 1, -1, -1)); break;
      case 2: p.drawPolygon(regular(box, 4, 0, false)); break;
      case 3: p.drawPolygon(regular(box, 3, 0, false)); break;
      default: p.drawPolygon(regular(box, 6, 0, false)); break;
    }
  }
  if (!b.name.isEmpty() && r.height() >= 12) {
    QFont f = p.font();
    f.setPixelSize(std::max(7, int(r.height() * 0.55)));
    f.setBold(true);
    p.setFont(f);
    p.setPen(Qt::white);
    p.drawText(r, Qt::AlignCenter, b.name.left(1).toUpper());
  }
  p.restore();
}

QPixmap behaviorPixmap(const BehaviorGlyph& b, int size) {
  QPixmap pm(size, size);
  pm.fill(Qt::transparent);
  QPainter p(&pm);
  paintBehaviorGlyph(p, QRectF(0, 0, size, size), b);
  return pm;
}
