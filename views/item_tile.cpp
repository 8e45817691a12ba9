#include "item_tile.h"

#include <QPainter>

#include <algorithm>

#include "behavior_glyph.h"

QPixmap itemTile(const QImage& thumbnail, const QString& name, const BehaviorGlyph* glyph, int size) {
  QPixmap pm(size, size);
  pm.fill(Qt::white);
  QPainter p(&pm);
  p.setRenderHint(QPainter::Antialiasing);
  if (!thumbnail.isNull()) {
    QImage img = thumbnail.scaled(size, size, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    p.drawImage(QPointF((size - img.width()) / 2.0, (size - img.height()) / 2.0), img);
  } else {
    p.fillRect(pm.rect().adjusted(2, 2, -2, -2), QColor(0xDD, 0xDD, 0xDD));
    p.setPen(Qt::darkGray);
    QFont f = p.font();
    f.setPixelSize(size / 4);
    p.setFont(f);
    p.drawText(pm.rect(), Qt::AlignCenter, name.left(2));
  }
  if (glyph) {
    const int g = std::max(12, size / 4);
    paintBehaviorGlyph(p, QRectF(size - g - 1, size - g - 1, g, g), *glyph);
  }
  return pm;
}
