// An item's tile in lists: its thumbnail (or a grey tile with the name's first letters) with a
// behavior glyph in its corner. Shared by the composer's sequence and candidates and the dataset's
// user timeline.
#pragma once
#include <QImage>
#include <QPixmap>
#include <QString>

struct BehaviorGlyph;

QPixmap itemTile(const QImage& thumbnail, const QString& name, const BehaviorGlyph* glyph, int size);
