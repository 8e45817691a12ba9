// The viridis colour map (matplotlib's perceptually uniform map, van der Walt & Smith, CC0), for
// heatmaps and their legends. The table holds every 8th of the 256 standard entries plus the last
// one; colours in between are interpolated linearly in sRGB (max error under 1/255 per channel).
#pragma once
#include <QColor>

// t in [0, 1] (clamped; NaN gives the lowest colour).
QColor viridis(double t);
