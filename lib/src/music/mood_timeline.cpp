#include "emomusic/music/mood_timeline.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "emomusic/core/error.hpp"

namespace emomusic::music {

namespace {

constexpr int kWidth = 1000;
constexpr double kMargin = 16;
constexpr double kTop = 56;          // title and subtitle above the rows
constexpr double kShareWidth = 150;  // the per-day share bar right of the rows
constexpr double kGap = 14;
constexpr double kLegendHeight = 58;  // hour labels and the legend below the rows
constexpr double kText = 11;
constexpr plot::Rgb kTextColor{33, 33, 33};
constexpr plot::Rgb kMuted{110, 110, 110};
constexpr plot::Rgb kFrame{80, 80, 80};
constexpr plot::Rgb kGrid{228, 228, 228};
constexpr plot::Rgb kRowShade{247, 247, 247};

// Rows shrink as days are added so that a year still fits a screen; a decade gets tall rows of
// 2 px rather than none.
double row_height(std::size_t days) {
  return std::clamp(600.0 / static_cast<double>(days), 2.0, 32.0);
}

}  // namespace

plot::Rgb emotion_color(Emotion emotion) {
  // Hues as far apart as seven allow; happy is amber rather than yellow to stay visible on white.
  static constexpr std::array<plot::Rgb, kEmotionCount> kColors{{
      {214, 39, 40},    // angry: red
      {44, 160, 44},    // disgust: green
      {148, 103, 189},  // fear: purple
      {240, 170, 0},    // happy: amber
      {31, 119, 180},   // sad: blue
      {227, 119, 194},  // surprise: pink
      {127, 127, 127},  // neutral: grey
  }};
  return kColors[static_cast<std::size_t>(to_index(emotion))];
}

plot::Canvas render_mood_timeline(const HistoryReport& report) {
  if (report.days.empty()) throw UsageError("a mood timeline needs at least one day");
  const std::size_t days = report.days.size();
  const double row = row_height(days);
  const int height =
      static_cast<int>(std::ceil(kTop + row * static_cast<double>(days) + kLegendHeight + kMargin));
  plot::Canvas canvas(kWidth, height);

  // The date column is as wide as a date in the built-in font, plus the gap to the rows.
  const double left = kMargin + plot::Canvas::text_width("0000-00-00", kText) + 10;
  const double right = kWidth - kMargin - kShareWidth - kGap;
  const double share_left = right + kGap;
  const double share_right = kWidth - kMargin;
  const double top = kTop;
  const double bottom = top + row * static_cast<double>(days);
  const std::int64_t first_day = report.days.front().day_start;

  plot::TextStyle title;
  title.height = 15;
  title.bold = true;
  title.color = kTextColor;
  title.v_align = plot::VAlign::kTop;
  canvas.draw_text(
      "Mood timeline, last " + std::to_string(days) + (days == 1 ? " day" : " days") + " (UTC)",
      kMargin, kMargin, title);
  plot::TextStyle subtitle;
  subtitle.height = kText;
  subtitle.color = kMuted;
  subtitle.v_align = plot::VAlign::kTop;
  canvas.draw_text(report.entries.empty() ? std::string("no moods recorded in these days")
                                          : std::to_string(report.entries.size()) +
                                                " moods; taller marks are surer readings",
                   kMargin, kMargin + 22, subtitle);
  plot::TextStyle share_head = subtitle;
  share_head.v_align = plot::VAlign::kBottom;
  canvas.draw_text("share of the day", share_left, top - 6, share_head);

  // Rows, with the date on every row that has room for it.
  plot::TextStyle date;
  date.height = kText;
  date.color = kTextColor;
  date.h_align = plot::HAlign::kRight;
  date.v_align = plot::VAlign::kMiddle;
  const std::size_t label_every = static_cast<std::size_t>(std::ceil(16.0 / row));
  for (std::size_t i = 0; i < days; ++i) {
    const double y0 = top + row * static_cast<double>(i);
    if (i % 2 == 1) canvas.fill_rect(left, y0, right, y0 + row, kRowShade);
    // Label from the newest day backwards, so that today is always named.
    if ((days - 1 - i) % label_every == 0) {
      canvas.draw_text(report.days[i].date, left - 8, y0 + row / 2, date);
    }
  }
  // Hour grid every three hours, labelled under the rows.
  plot::TextStyle hour = date;
  hour.h_align = plot::HAlign::kCenter;
  hour.v_align = plot::VAlign::kTop;
  for (int h = 0; h <= 24; h += 3) {
    const double x = left + (right - left) * h / 24.0;
    canvas.draw_line(x, top, x, bottom, kGrid, 1.0);
    canvas.draw_text((h < 10 ? "0" : "") + std::to_string(h) + ":00", x, bottom + 6, hour);
  }

  // Marks: a bar at the time of day, its height from the confidence (a third at 0, full at 1).
  canvas.set_clip(left, top, right, bottom);
  const double mark = std::max(3.0, (right - left) / 288.0);  // five minutes wide
  for (const auto& e : report.entries) {
    const std::int64_t offset = e.time - first_day;
    if (offset < 0) continue;
    const auto i = static_cast<std::size_t>(offset / 86400);
    if (i >= days) continue;
    const double hours = static_cast<double>(offset % 86400) / 3600.0;
    const double x = left + (right - left) * hours / 24.0;
    const double c = std::clamp(e.confidence, 0.0, 1.0);
    const double h = row * (1.0 / 3 + 2.0 / 3 * c) * 0.9;
    const double cy = top + row * (static_cast<double>(i) + 0.5);
    canvas.fill_rect(x - mark / 2, cy - h / 2, x + mark / 2, cy + h / 2, emotion_color(e.emotion));
  }
  canvas.reset_clip();

  // Per-day share of each emotion, as one stacked bar in label order.
  for (std::size_t i = 0; i < days; ++i) {
    const DaySummary& d = report.days[i];
    if (d.total == 0) continue;
    const double y0 = top + row * static_cast<double>(i) + (row > 4 ? 1 : 0);
    const double y1 = top + row * static_cast<double>(i + 1) - (row > 4 ? 1 : 0);
    double x = share_left;
    for (int k = 0; k < kEmotionCount; ++k) {
      const int n = d.counts[static_cast<std::size_t>(k)];
      if (n == 0) continue;
      const double w = (share_right - share_left) * n / d.total;
      canvas.fill_rect(x, y0, x + w, y1, emotion_color(emotion_from_index(k)));
      x += w;
    }
  }

  // Frames.
  for (const auto& [x0, x1] : {std::pair{left, right}, std::pair{share_left, share_right}}) {
    canvas.draw_line(x0, top, x1, top, kFrame, 1.0);
    canvas.draw_line(x0, bottom, x1, bottom, kFrame, 1.0);
    canvas.draw_line(x0, top, x0, bottom, kFrame, 1.0);
    canvas.draw_line(x1, top, x1, bottom, kFrame, 1.0);
  }

  // Legend: a swatch and the name of each emotion, in one line under the hour labels.
  plot::TextStyle legend = date;
  legend.h_align = plot::HAlign::kLeft;
  double x = left;
  const double y = bottom + 38;
  for (int k = 0; k < kEmotionCount; ++k) {
    const Emotion e = emotion_from_index(k);
    canvas.fill_rect(x, y - 6, x + 12, y + 6, emotion_color(e));
    const std::string name(emomusic::to_string(e));
    canvas.draw_text(name, x + 17, y, legend);
    x += 17 + plot::Canvas::text_width(name, kText) + 22;
  }
  return canvas;
}

void plot_mood_timeline(const HistoryReport& report, const std::filesystem::path& png) {
  render_mood_timeline(report).save_png(png);
}

}  // namespace emomusic::music
