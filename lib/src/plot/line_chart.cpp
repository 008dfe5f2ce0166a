#include "emomusic/plot/line_chart.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>

#include "emomusic/core/error.hpp"
#include "emomusic/plot/ticks.hpp"
#include "style.hpp"

namespace emomusic::plot {

namespace {

constexpr int kMinWidth = 300;
constexpr int kMinHeight = 200;
constexpr double kLineWidth = 2.2;
constexpr double kDash = 7;
// Few enough points that each is worth marking (epochs of a short run).
constexpr std::size_t kMaxMarkedPoints = 25;
constexpr double kMarkerSize = 5;

std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}

std::string chart_name(const LineChart& chart) {
  return chart.title.empty() ? "line chart" : "line chart " + quoted(chart.title);
}

void validate(const LineChart& chart) {
  const std::string where = chart_name(chart);
  if (chart.width < kMinWidth || chart.height < kMinHeight) {
    throw UsageError(where + ": size " + std::to_string(chart.width) + "x" +
                     std::to_string(chart.height) + " is below the minimum " +
                     std::to_string(kMinWidth) + "x" + std::to_string(kMinHeight));
  }
  if (chart.y_min && chart.y_max && !(*chart.y_min < *chart.y_max)) {
    throw UsageError(where + ": y_min (" + std::to_string(*chart.y_min) +
                     ") must be below y_max (" + std::to_string(*chart.y_max) + ")");
  }
  if (chart.log_y && chart.y_min && !(*chart.y_min > 0)) {
    throw UsageError(where + ": a log y axis needs y_min > 0, not " + std::to_string(*chart.y_min));
  }
  if (chart.series.empty()) throw InputError(where + ": no series to plot");
  bool any_finite = false;
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    const Series& series = chart.series[s];
    const std::string name =
        where + ", series " + (series.name.empty() ? "#" + std::to_string(s) : quoted(series.name));
    if (series.x.size() != series.y.size()) {
      throw InputError(name + ": " + std::to_string(series.x.size()) + " x values but " +
                       std::to_string(series.y.size()) + " y values");
    }
    if (series.x.empty()) throw InputError(name + ": no points");
    for (std::size_t i = 0; i < series.x.size(); ++i) {
      if (!std::isfinite(series.x[i]) || !std::isfinite(series.y[i])) continue;
      any_finite = true;
      if (chart.log_y && series.y[i] <= 0) {
        throw InputError(name + ": y[" + std::to_string(i) + "] = " + std::to_string(series.y[i]) +
                         " cannot be shown on a log axis");
      }
    }
  }
  if (!any_finite) throw InputError(where + ": no series has a finite point");
}

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
};

/// One axis after layout: its (transformed) range and where the ticks go.
struct Axis {
  double lo, hi;
  std::vector<double> ticks;  // in the same (possibly log10) space as lo and hi
  std::vector<std::string> labels;
};

Axis linear_axis(Range data, std::optional<double> fixed_lo, std::optional<double> fixed_hi,
                 double padding) {
  double lo = fixed_lo.value_or(data.lo);
  double hi = fixed_hi.value_or(data.hi);
  if (lo == hi) {
    // A constant series; give it room either side.
    const double half = lo == 0 ? 1.0 : std::abs(lo) * 0.1;
    if (!fixed_lo) lo -= half;
    if (!fixed_hi) hi += half;
  }
  const double pad = (hi - lo) * padding;
  // Padding must not invent negative values for data that cannot have them (a learning rate).
  if (!fixed_lo) lo = data.lo >= 0 ? std::max(0.0, lo - pad) : lo - pad;
  if (!fixed_hi) hi += pad;
  std::vector<double> ticks = nice_ticks(lo, hi);
  // Free ends widen to the next round tick so that the frame starts and ends on a label.
  if (!fixed_lo) lo = ticks.front();
  if (!fixed_hi) hi = ticks.back();
  const double slack = (hi - lo) * 1e-9;
  ticks.erase(std::remove_if(ticks.begin(), ticks.end(),
                             [&](double t) { return t < lo - slack || t > hi + slack; }),
              ticks.end());
  return {lo, hi, ticks, tick_labels(ticks)};
}

std::string decade_label(int exponent) {
  if (exponent >= 0 && exponent <= 3)
    return std::to_string(static_cast<int>(std::pow(10, exponent)));
  return "1e" + std::to_string(exponent);
}

/// A log10 axis over positive values, ticks at powers of ten.
Axis log_axis(Range data, std::optional<double> fixed_lo, std::optional<double> fixed_hi) {
  double lo = std::log10(fixed_lo.value_or(data.lo));
  double hi = std::log10(fixed_hi.value_or(data.hi));
  if (!fixed_lo) lo = std::floor(lo + 1e-9);
  if (!fixed_hi) hi = std::ceil(hi - 1e-9);
  if (lo == hi) {
    if (!fixed_lo) lo -= 1;
    if (!fixed_hi) hi += 1;
  }
  const int stride = std::max(1, static_cast<int>(std::ceil((hi - lo) / 8)));
  Axis axis{lo, hi, {}, {}};
  for (int e = static_cast<int>(std::ceil(lo - 1e-9)); e <= hi + 1e-9; e += stride) {
    axis.ticks.push_back(e);
    axis.labels.push_back(decade_label(e));
  }
  return axis;
}

/// Maps data coordinates onto the plot area's pixels.
struct Frame {
  double left, top, right, bottom;
  Axis x, y;
  bool log_y;
  double px(double v) const { return left + (v - x.lo) / (x.hi - x.lo) * (right - left); }
  double py(double v) const {
    const double t = log_y ? std::log10(v) : v;
    return bottom - (t - y.lo) / (y.hi - y.lo) * (bottom - top);
  }
  double py_axis(double t) const { return bottom - (t - y.lo) / (y.hi - y.lo) * (bottom - top); }
};

/// The runs of consecutive finite points of a series, in pixels.
std::vector<std::pair<std::vector<double>, std::vector<double>>> pixel_runs(const Series& s,
                                                                            const Frame& f) {
  std::vector<std::pair<std::vector<double>, std::vector<double>>> runs(1);
  for (std::size_t i = 0; i < s.x.size(); ++i) {
    if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) {
      runs.back().first.push_back(f.px(s.x[i]));
      runs.back().second.push_back(f.py(s.y[i]));
    } else if (!runs.back().first.empty()) {
      runs.emplace_back();
    }
  }
  if (runs.back().first.empty()) runs.pop_back();
  return runs;
}

Rgb color_of(const LineChart& chart, std::size_t index) {
  return chart.series[index].color.value_or(series_color(index));
}

void draw_axes(Canvas& canvas, const Frame& f, const LineChart& chart) {
  for (const double t : f.x.ticks)
    canvas.draw_line(f.px(t), f.top, f.px(t), f.bottom, style::kGrid, 1);
  for (const double t : f.y.ticks) {
    canvas.draw_line(f.left, f.py_axis(t), f.right, f.py_axis(t), style::kGrid, 1);
  }
  canvas.draw_polyline({f.left, f.right, f.right, f.left, f.left},
                       {f.top, f.top, f.bottom, f.bottom, f.top}, style::kFrame, 1);

  TextStyle tick{style::kTickLabel, style::kText, HAlign::kCenter, VAlign::kTop};
  for (std::size_t i = 0; i < f.x.ticks.size(); ++i) {
    const double x = f.px(f.x.ticks[i]);
    canvas.draw_line(x, f.bottom, x, f.bottom + style::kTickLength, style::kFrame, 1);
    canvas.draw_text(f.x.labels[i], x, f.bottom + style::kTickLength + 6, tick);
  }
  tick.h_align = HAlign::kRight;
  tick.v_align = VAlign::kMiddle;
  for (std::size_t i = 0; i < f.y.ticks.size(); ++i) {
    const double y = f.py_axis(f.y.ticks[i]);
    canvas.draw_line(f.left - style::kTickLength, y, f.left, y, style::kFrame, 1);
    canvas.draw_text(f.y.labels[i], f.left - style::kTickLength - 6, y, tick);
  }

  const TextStyle label{style::kAxisLabel, style::kText, HAlign::kCenter, VAlign::kBottom};
  canvas.draw_text(chart.x_label, (f.left + f.right) / 2, chart.height - 16, label);
  TextStyle y_label = label;
  y_label.v_align = VAlign::kTop;
  y_label.direction = TextDirection::kUp;
  canvas.draw_text(chart.y_label, 16, (f.top + f.bottom) / 2, y_label);
}

void draw_series(Canvas& canvas, const Frame& f, const LineChart& chart) {
  canvas.set_clip(f.left, f.top, f.right + 1, f.bottom + 1);
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    const Series& series = chart.series[s];
    const Rgb color = color_of(chart, s);
    const double dash = series.style == LineStyle::kDashed ? kDash : 0.0;
    for (const auto& [xs, ys] : pixel_runs(series, f)) {
      canvas.draw_polyline(xs, ys, color, kLineWidth, dash);
      if (series.x.size() > kMaxMarkedPoints) continue;
      for (std::size_t i = 0; i < xs.size(); ++i)
        canvas.draw_line(xs[i], ys[i], xs[i], ys[i], color, kMarkerSize);
    }
  }
  canvas.reset_clip();
}

void draw_legend(Canvas& canvas, const Frame& f, const LineChart& chart) {
  std::vector<std::size_t> listed;
  double text_width = 0;
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    if (chart.series[s].name.empty()) continue;
    listed.push_back(s);
    text_width = std::max(text_width, Canvas::text_width(chart.series[s].name, style::kLegend));
  }
  if (listed.empty()) return;
  constexpr double kPad = 10, kRow = 22, kSample = 28, kGap = 8, kInset = 10;
  const double w = kPad + kSample + kGap + text_width + kPad;
  const double h = kPad + listed.size() * kRow - (kRow - style::kLegend) + kPad;

  // Of the four inner corners, take the one whose box covers the fewest data points.
  const std::array<std::pair<double, double>, 4> corners{
      {{f.right - kInset - w, f.top + kInset},
       {f.left + kInset, f.top + kInset},
       {f.right - kInset - w, f.bottom - kInset - h},
       {f.left + kInset, f.bottom - kInset - h}}};
  std::size_t best = 0;
  std::size_t fewest = std::numeric_limits<std::size_t>::max();
  for (std::size_t c = 0; c < corners.size(); ++c) {
    const auto [x0, y0] = corners[c];
    std::size_t hidden = 0;
    for (const Series& s : chart.series) {
      for (const auto& [xs, ys] : pixel_runs(s, f)) {
        for (std::size_t i = 0; i < xs.size(); ++i) {
          hidden +=
              xs[i] >= x0 - 4 && xs[i] <= x0 + w + 4 && ys[i] >= y0 - 4 && ys[i] <= y0 + h + 4;
        }
      }
    }
    if (hidden < fewest) {
      fewest = hidden;
      best = c;
    }
  }
  const auto [x0, y0] = corners[best];
  canvas.fill_rect(x0, y0, x0 + w, y0 + h, kWhite);
  canvas.draw_polyline({x0, x0 + w, x0 + w, x0, x0}, {y0, y0, y0 + h, y0 + h, y0},
                       style::kLegendBorder, 1);
  const TextStyle text{style::kLegend, style::kText, HAlign::kLeft, VAlign::kMiddle};
  for (std::size_t row = 0; row < listed.size(); ++row) {
    const Series& s = chart.series[listed[row]];
    const double y = y0 + kPad + style::kLegend / 2 + row * kRow;
    canvas.draw_polyline({x0 + kPad, x0 + kPad + kSample}, {y, y}, color_of(chart, listed[row]),
                         kLineWidth, s.style == LineStyle::kDashed ? kDash * 0.6 : 0.0);
    canvas.draw_text(s.name, x0 + kPad + kSample + kGap, y, text);
  }
}

}  // namespace

Rgb series_color(std::size_t index) {
  // Matplotlib's "tab10", the palette readers of training curves are used to.
  static constexpr std::array<Rgb, 10> kPalette{{{31, 119, 180},
                                                 {255, 127, 14},
                                                 {44, 160, 44},
                                                 {214, 39, 40},
                                                 {148, 103, 189},
                                                 {140, 86, 75},
                                                 {227, 119, 194},
                                                 {127, 127, 127},
                                                 {188, 189, 34},
                                                 {23, 190, 207}}};
  return kPalette[index % kPalette.size()];
}

Canvas render_line_chart(const LineChart& chart) {
  validate(chart);
  Range xr, yr;
  for (const Series& s : chart.series) {
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      xr.add(s.x[i]);
      yr.add(s.y[i]);
    }
  }
  const Axis x_axis = linear_axis(xr, std::nullopt, std::nullopt, 0.0);
  const Axis y_axis = chart.log_y ? log_axis(yr, chart.y_min, chart.y_max)
                                  : linear_axis(yr, chart.y_min, chart.y_max, 0.04);

  double widest_y_label = 0;
  for (const std::string& l : y_axis.labels) {
    widest_y_label = std::max(widest_y_label, Canvas::text_width(l, style::kTickLabel));
  }
  const double left = 16 + style::kAxisLabel + 14 + widest_y_label + 6 + style::kTickLength;
  const double top = chart.title.empty() ? 24 : 56;
  // Half the widest x label would otherwise stick out past the right edge.
  const double right = chart.width - 28;
  const double bottom =
      chart.height - 16 - style::kAxisLabel - 14 - style::kTickLabel - 6 - style::kTickLength;
  const Frame frame{left, top, right, bottom, x_axis, y_axis, chart.log_y};

  Canvas canvas(chart.width, chart.height);
  draw_axes(canvas, frame, chart);
  draw_series(canvas, frame, chart);
  draw_legend(canvas, frame, chart);
  TextStyle title{style::kTitle, style::kText, HAlign::kCenter, VAlign::kTop};
  title.bold = true;
  canvas.draw_text(chart.title, chart.width / 2.0, 22, title);
  return canvas;
}

void plot_lines(const LineChart& chart, const std::filesystem::path& png) {
  render_line_chart(chart).save_png(png);
}

}  // namespace emomusic::plot
