#include "behavior_glyph.h"

#include <QFile>
#include <QHash>
#include <QMutex>
#include <QPainter>
#include <QSvgRenderer>

#include "views_resources.h"

namespace {
const QColor kPalette[] = {QColor(0x56, 0xB4, 0xE9), QColor(0xE6, 0x9F, 0x00), QColor(0x00, 0x9E, 0x73),
                           QColor(0xCC, 0x79, 0xA7), QColor(0x00, 0x72, 0xB2)};
const QColor kTarget(0xD5, 0x5E, 0x00);

// The shape's SVG master (resources/icons/behaviors/) filled with `color` (its currentColor),
// parsed once per shape and colour.
QSvgRenderer* shapeRenderer(const QString& shape, const QColor& color) {
  static QMutex mutex;
  static QHash<QString, QByteArray> masters;
  static QHash<QString, QSvgRenderer*> renderers;  // live as long as the program
  QMutexLocker lock(&mutex);
  const QString key = shape + color.name();
  if (QSvgRenderer* r = renderers.value(key)) return r;
  ensureViewsResources();
  if (!masters.contains(shape)) {
    QFile f(QStringLiteral(":/icons/behaviors/%1.svg").arg(shape));
    masters.insert(shape, f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray());
  }
  QByteArray svg = masters.value(shape);
  svg.replace("color=\"#56b4e9\"", QByteArray("color=\"") + color.name().toLatin1() + '"');
  auto* r = new QSvgRenderer(svg);
  renderers.insert(key, r);
  return r;
}
}  // namespace

QString behaviorShape(const BehaviorGlyph& b) {
  static const char* const kShapes[] = {"circle", "square", "diamond", "triangle", "hexagon"};
  return QString::fromLatin1(b.isTarget ? "star" : kShapes[std::abs(b.position) % 5]);
}

QColor behaviorColor(const BehaviorGlyph& b) { return b.isTarget ? kTarget : kPalette[std::abs(b.position) % 5]; }

void paintBehaviorGlyph(QPainter& p, const QRectF& r, const BehaviorGlyph& b) {
  p.save();
  p.setRenderHint(QPainter::Antialiasing);
  shapeRenderer(behaviorShape(b), behaviorColor(b))->render(&p, r);
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
