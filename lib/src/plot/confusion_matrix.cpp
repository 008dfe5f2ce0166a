#include "emomusic/plot/confusion_matrix.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>

#include "emomusic/core/error.hpp"
#include "style.hpp"

namespace emomusic::plot {

namespace {

constexpr double kTop = 80;
constexpr double kNameGap = 10;   // between the grid and the class names
constexpr double kLabelGap = 14;  // between the class names and "true" / "predicted"
constexpr double kMargin = 16;    // around the picture
constexpr double kBarGap = 24;
constexpr double kBarWidth = 18;
constexpr Rgb kNoSamples{235, 235, 235};

std::string where(const std::string& title) {
  return title.empty() ? "confusion matrix" : "confusion matrix \"" + title + "\"";
}

void validate(const std::vector<std::vector<std::int64_t>>& counts,
              const std::vector<std::string>& class_names, const std::string& title) {
  if (counts.empty()) throw InputError(where(title) + ": no classes");
  if (class_names.size() != counts.size()) {
    throw InputError(where(title) + ": " + std::to_string(counts.size()) + " rows but " +
                     std::to_string(class_names.size()) + " class names");
  }
  std::int64_t total = 0;
  for (std::size_t r = 0; r < counts.size(); ++r) {
    if (counts[r].size() != counts.size()) {
      throw InputError(where(title) + ": row " + std::to_string(r) + " (" + class_names[r] +
                       ") has " + std::to_string(counts[r].size()) + " counts, expected " +
                       std::to_string(counts.size()));
    }
    for (std::size_t c = 0; c < counts[r].size(); ++c) {
      if (counts[r][c] < 0) {
        throw InputError(where(title) + ": count " + std::to_string(counts[r][c]) + " at row " +
                         std::to_string(r) + ", column " + std::to_string(c) + " is negative");
      }
      total += counts[r][c];
    }
  }
  if (total == 0) throw InputError(where(title) + ": all counts are zero");
}

/// Matplotlib's "Blues": light for 0, dark for 1, and ordered in lightness so it prints in grey.
Rgb blues(double t) {
  static constexpr std::array<Rgb, 9> kStops{{{247, 251, 255},
                                              {222, 235, 247},
                                              {198, 219, 239},
                                              {158, 202, 225},
                                              {107, 174, 214},
                                              {66, 146, 198},
                                              {33, 113, 181},
                                              {8, 81, 156},
                                              {8, 48, 107}}};
  const double pos = std::clamp(t, 0.0, 1.0) * (kStops.size() - 1);
  const auto i = std::min(static_cast<std::size_t>(pos), kStops.size() - 2);
  const double f = pos - i;
  const auto lerp = [f](std::uint8_t a, std::uint8_t b) {
    return static_cast<std::uint8_t>(std::lround(a + (b - a) * f));
  };
  return {lerp(kStops[i].r, kStops[i + 1].r), lerp(kStops[i].g, kStops[i + 1].g),
          lerp(kStops[i].b, kStops[i + 1].b)};
}

double relative_luminance(Rgb c) {
  const auto linear = [](std::uint8_t v) {
    const double s = v / 255.0;
    return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b);
}

/// White or near-black, whichever contrasts more with the cell (the WCAG contrast ratio).
Rgb text_color_on(Rgb background) {
  const double l = relative_luminance(background);
  const double on_white = 1.05 / (l + 0.05);
  const double on_dark = (l + 0.05) / (relative_luminance(style::kText) + 0.05);
  return on_white > on_dark ? kWhite : style::kText;
}

std::string percent(double fraction) {
  char buffer[16];
  const double p = fraction * 100;
  if (p == 0 || p == 100) {
    std::snprintf(buffer, sizeof buffer, "%.0f%%", p);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.1f%%", p);
  }
  return buffer;
}

double widest(const std::vector<std::string>& texts, double height) {
  double w = 0;
  for (const std::string& t : texts) w = std::max(w, Canvas::text_width(t, height));
  return w;
}

/// The full layout; the names under the columns turn upright when they do not fit the cells.
struct Layout {
  MatrixGeometry grid;
  bool upright_names;
  double name_width;
};

Layout layout(const std::vector<std::string>& class_names) {
  const double n = static_cast<double>(class_names.size());
  const double name_width = widest(class_names, style::kLegend);
  const double left = kMargin + style::kAxisLabel + kLabelGap + name_width + kNameGap;
  const double right = kMargin + style::kTickLabel + 10 +
                       Canvas::text_width("100%", style::kTickLabel) + style::kTickLength + 3 +
                       kBarWidth + kBarGap;
  const double available_w = kConfusionMatrixSize - left - right;
  const auto available_h = [&](double names_extent) {
    return kConfusionMatrixSize - kTop -
           (kNameGap + names_extent + kLabelGap + style::kAxisLabel + kMargin);
  };
  bool upright = false;
  double side = std::min(available_w, available_h(style::kLegend));
  if (name_width + 8 > side / n) {
    upright = true;
    side = std::min(available_w, available_h(name_width));
  }
  // Centre the grid in what is left over.
  const double extra_w = available_w - side;
  const double extra_h = available_h(upright ? name_width : style::kLegend) - side;
  return {{left + extra_w / 2, kTop + extra_h / 2, side / n}, upright, name_width};
}

void draw_cells(Canvas& canvas, const MatrixGeometry& g,
                const std::vector<std::vector<std::int64_t>>& counts) {
  const std::size_t n = counts.size();
  // Big enough to read, small enough that the widest label leaves a margin in its cell.
  const double widest_label = Canvas::text_width("88.8%", 7.0) / 7.0;  // per pixel of height
  const double pct_height = std::min({13.0, g.cell * 0.17, (g.cell - 16) / widest_label});
  const double count_height = pct_height * 0.8;
  const bool show_counts = g.cell >= 3.2 * pct_height;
  const bool show_text = pct_height >= 6;

  for (std::size_t r = 0; r < n; ++r) {
    std::int64_t row_total = 0;
    for (const std::int64_t c : counts[r]) row_total += c;
    for (std::size_t c = 0; c < n; ++c) {
      const double x0 = g.left + c * g.cell;
      const double y0 = g.top + r * g.cell;
      const double fraction =
          row_total > 0 ? static_cast<double>(counts[r][c]) / static_cast<double>(row_total) : 0.0;
      const Rgb fill = row_total > 0 ? blues(fraction) : kNoSamples;
      canvas.fill_rect(x0, y0, x0 + g.cell, y0 + g.cell, fill);
      if (!show_text) continue;
      const double cx = x0 + g.cell / 2;
      const double cy = y0 + g.cell / 2;
      const Rgb ink = text_color_on(fill);
      TextStyle pct{pct_height, ink, HAlign::kCenter, VAlign::kMiddle};
      if (row_total == 0) {
        canvas.draw_text("n/a", cx, cy, pct);
        continue;
      }
      if (!show_counts) {
        canvas.draw_text(percent(fraction), cx, cy, pct);
        continue;
      }
      const double gap = pct_height * 0.6;
      const double block = pct_height + gap + count_height;
      pct.v_align = VAlign::kTop;
      canvas.draw_text(percent(fraction), cx, cy - block / 2, pct);
      TextStyle count = pct;
      count.height = count_height;
      canvas.draw_text("(" + std::to_string(counts[r][c]) + ")", cx,
                       cy - block / 2 + pct_height + gap, count);
    }
  }
  // Thin white rules keep neighbouring cells of similar colour apart.
  const double side = g.cell * n;
  for (std::size_t i = 1; i < n; ++i) {
    canvas.draw_line(g.left + i * g.cell, g.top, g.left + i * g.cell, g.top + side, kWhite, 1);
    canvas.draw_line(g.left, g.top + i * g.cell, g.left + side, g.top + i * g.cell, kWhite, 1);
  }
  canvas.draw_polyline({g.left, g.left + side, g.left + side, g.left, g.left},
                       {g.top, g.top, g.top + side, g.top + side, g.top}, style::kFrame, 1);
}

void draw_names(Canvas& canvas, const Layout& l, const std::vector<std::string>& class_names) {
  const MatrixGeometry& g = l.grid;
  const double side = g.cell * class_names.size();
  const TextStyle row_name{style::kLegend, style::kText, HAlign::kRight, VAlign::kMiddle};
  TextStyle column_name{style::kLegend, style::kText, HAlign::kCenter, VAlign::kTop};
  if (l.upright_names)
    column_name = {style::kLegend, style::kText, HAlign::kRight, VAlign::kMiddle,
                   TextDirection::kUp};
  for (std::size_t i = 0; i < class_names.size(); ++i) {
    const double centre = i * g.cell + g.cell / 2;
    canvas.draw_text(class_names[i], g.left - kNameGap, g.top + centre, row_name);
    canvas.draw_text(class_names[i], g.left + centre, g.top + side + kNameGap, column_name);
  }

  TextStyle axis{style::kAxisLabel, style::kText, HAlign::kCenter, VAlign::kTop};
  axis.bold = true;
  const double names_extent = l.upright_names ? l.name_width : style::kLegend;
  canvas.draw_text("predicted", g.left + side / 2,
                   g.top + side + kNameGap + names_extent + kLabelGap, axis);
  axis.direction = TextDirection::kUp;
  canvas.draw_text("true", g.left - kNameGap - l.name_width - kLabelGap - style::kAxisLabel,
                   g.top + side / 2, axis);
}

void draw_colour_bar(Canvas& canvas, const MatrixGeometry& g, std::size_t n) {
  const double side = g.cell * n;
  const double x0 = g.left + side + kBarGap;
  for (int y = 0; y < static_cast<int>(std::ceil(side)); ++y) {
    canvas.fill_rect(x0, g.top + y, x0 + kBarWidth, std::min(g.top + y + 1, g.top + side),
                     blues(1.0 - (y + 0.5) / side));
  }
  canvas.draw_polyline({x0, x0 + kBarWidth, x0 + kBarWidth, x0, x0},
                       {g.top, g.top, g.top + side, g.top + side, g.top}, style::kFrame, 1);
  const TextStyle label{style::kTickLabel, style::kText, HAlign::kLeft, VAlign::kMiddle};
  for (int p = 0; p <= 100; p += 25) {
    const double y = g.top + side * (1 - p / 100.0);
    canvas.draw_line(x0 + kBarWidth, y, x0 + kBarWidth + style::kTickLength - 1, y, style::kFrame,
                     1);
    canvas.draw_text(std::to_string(p) + "%", x0 + kBarWidth + style::kTickLength + 3, y, label);
  }
  const TextStyle caption{style::kTickLabel, style::kMutedText, HAlign::kCenter, VAlign::kTop,
                          TextDirection::kUp};
  canvas.draw_text(
      "recall (% of the true class)",
      x0 + kBarWidth + style::kTickLength + 3 + Canvas::text_width("100%", style::kTickLabel) + 10,
      g.top + side / 2, caption);
}

}  // namespace

MatrixGeometry confusion_matrix_geometry(const std::vector<std::string>& class_names) {
  if (class_names.empty()) throw InputError("confusion matrix: no classes");
  return layout(class_names).grid;
}

Canvas render_confusion_matrix(const std::vector<std::vector<std::int64_t>>& counts,
                               const std::vector<std::string>& class_names,
                               const std::string& title) {
  validate(counts, class_names, title);
  const Layout l = layout(class_names);
  Canvas canvas(kConfusionMatrixSize, kConfusionMatrixSize);
  draw_cells(canvas, l.grid, counts);
  draw_names(canvas, l, class_names);
  draw_colour_bar(canvas, l.grid, counts.size());

  std::int64_t total = 0, correct = 0;
  for (std::size_t r = 0; r < counts.size(); ++r) {
    for (std::size_t c = 0; c < counts.size(); ++c) total += counts[r][c];
    correct += counts[r][r];
  }
  TextStyle heading{style::kTitle, style::kText, HAlign::kCenter, VAlign::kTop};
  heading.bold = true;
  canvas.draw_text(title, kConfusionMatrixSize / 2.0, 22, heading);
  const std::string summary = "accuracy " + percent(static_cast<double>(correct) / total) +
                              " over " + std::to_string(total) +
                              " samples; each cell: recall % (count)";
  const TextStyle sub{style::kSubtitle, style::kMutedText, HAlign::kCenter, VAlign::kTop};
  canvas.draw_text(summary, kConfusionMatrixSize / 2.0, title.empty() ? 22 : 48, sub);
  return canvas;
}

void plot_confusion_matrix(const std::vector<std::vector<std::int64_t>>& counts,
                           const std::vector<std::string>& class_names,
                           const std::filesystem::path& png, const std::string& title) {
  render_confusion_matrix(counts, class_names, title).save_png(png);
}

}  // namespace emomusic::plot
