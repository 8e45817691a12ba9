// Behavior glyphs drawn from their SVG masters (resources/icons/behaviors/): each vocabulary
// position gets its shape filled with its colour, the target behavior a star, and the masters are
// compiled into the views library (no file on disk is needed).
#include <gtest/gtest.h>

#include <QColor>
#include <QFile>
#include <QImage>
#include <set>

#include "behavior_glyph.h"
#include "views_resources.h"
#include "views_test_support.h"

namespace {

bool near(const QColor& a, const QColor& b) {
  return std::abs(a.red() - b.red()) < 12 && std::abs(a.green() - b.green()) < 12 && std::abs(a.blue() - b.blue()) < 12;
}

TEST(BehaviorGlyphs, ShapesFromTheSvgMastersInTheBehaviorsColours) {
  test_app();
  ensureViewsResources();
  std::set<QString> shapes;
  for (int position = 0; position < 6; ++position) {
    BehaviorGlyph b;
    b.position = position % 5;
    b.isTarget = position == 5;
    shapes.insert(behaviorShape(b));
    EXPECT_TRUE(QFile::exists(QStringLiteral(":/icons/behaviors/%1.svg").arg(behaviorShape(b)))) << position;
    const QImage img = behaviorPixmap(b, 32).toImage();
    const QColor centre = img.pixelColor(16, 17);
    EXPECT_TRUE(near(centre, behaviorColor(b))) << position << " " << centre.name().toStdString() << " vs "
                                                 << behaviorColor(b).name().toStdString();
    EXPECT_EQ(img.pixelColor(0, 0).alpha(), 0) << position;  // the corners stay transparent
  }
  EXPECT_EQ(shapes.size(), 6u);
  // The shapes differ where they should: the square fills a point near its corner, the circle not.
  BehaviorGlyph circle, square;
  square.position = 1;
  EXPECT_EQ(behaviorPixmap(circle, 32).toImage().pixelColor(4, 4).alpha(), 0);
  EXPECT_GT(behaviorPixmap(square, 32).toImage().pixelColor(4, 4).alpha(), 200);
}

}  // namespace
