#pragma once
// The look shared by all charts, so that the training curves and the confusion matrix match.

#include "emomusic/plot/canvas.hpp"

namespace emomusic::plot::style {

// Capital-letter heights in pixels.
constexpr double kTitle = 16;
constexpr double kSubtitle = 12;
constexpr double kAxisLabel = 13;
constexpr double kTickLabel = 11;
constexpr double kLegend = 12;

constexpr Rgb kText{33, 33, 33};
constexpr Rgb kMutedText{90, 90, 90};
constexpr Rgb kFrame{80, 80, 80};
constexpr Rgb kGrid{228, 228, 228};
constexpr Rgb kLegendBorder{200, 200, 200};

constexpr double kTickLength = 5;

}  // namespace emomusic::plot::style
