#pragma once
/// @file
/// Line charts, e.g. training curves (loss or accuracy against epoch, the learning rate).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "emomusic/plot/canvas.hpp"

namespace emomusic::plot {

enum class LineStyle { kSolid, kDashed };

/// One line: the points (x[i], y[i]) joined in order. Non-finite points (a NaN loss) are left
/// out and break the line there.
struct Series {
  std::string name;  ///< legend entry; series without a name are not listed
  std::vector<double> x;
  std::vector<double> y;
  std::optional<Rgb> color;  ///< default: the index-th colour of a ten-colour palette
  LineStyle style = LineStyle::kSolid;
};

struct LineChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<Series> series;
  /// Fixed ends of the y axis (e.g. 0 and 1 for accuracy); an unset end follows the data.
  std::optional<double> y_min;
  std::optional<double> y_max;
  bool log_y = false;  ///< logarithmic y axis with ticks at powers of ten (learning rates)
  int width = 900;
  int height = 600;
};

/// Draws the chart: title, framed plot area with grid, tick labels, axis labels, the series and a
/// legend in the corner where it hides the fewest points.
/// Throws InputError for bad data (no series, a series without points or with different x and y
/// counts, no finite point at all, a non-positive y on a log axis) and UsageError for bad settings
/// (y_min >= y_max, a size below 300x200).
Canvas render_line_chart(const LineChart& chart);

/// render_line_chart() saved as a PNG, written atomically.
void plot_lines(const LineChart& chart, const std::filesystem::path& png);

/// The colour given to the index-th series that sets none (a colour-blind-aware ten-colour cycle).
Rgb series_color(std::size_t index);

}  // namespace emomusic::plot
