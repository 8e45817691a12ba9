// Behavior glyphs: a small coloured shape with the behavior's initial, drawn next to items in the
// user timeline, the composer and along heatmap axes so that behaviors read at a glance. Shape and
// colour come from the behavior's position in the vocabulary (Okabe–Ito colours, safe for colour
// blindness); the target behavior is always a star. Positions beyond five reuse the shapes. The
// shapes are SVG masters in resources/icons/behaviors/, filled with the colour when drawn.
#pragma once
#include <QColor>
#include <QPixmap>
#include <QRectF>
#include <QString>

class QPainter;

struct BehaviorGlyph {
  QString name;
  int position = 0;
  bool isTarget = false;
};

QColor behaviorColor(const BehaviorGlyph& b);
QString behaviorShape(const BehaviorGlyph& b);  // "circle", "square", "diamond", "triangle", "hexagon", "star"
void paintBehaviorGlyph(QPainter& p, const QRectF& r, const BehaviorGlyph& b);
QPixmap behaviorPixmap(const BehaviorGlyph& b, int size = 16);
