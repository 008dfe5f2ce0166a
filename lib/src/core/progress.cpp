#include "emomusic/core/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>

namespace emomusic {
namespace {
std::atomic<bool> g_quiet{false};

// Plain-line mode prints at most this often, so CI logs stay readable.
constexpr double kLineIntervalSeconds = 10.0;
// The bar is redrawn at most this often, so drawing never costs measurable time.
constexpr double kBarIntervalSeconds = 0.1;
}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

void Progress::set_quiet(bool quiet) {
  g_quiet = quiet;
}

Progress::Progress(std::string label, std::int64_t total, std::string unit, Style style)
    : label_(std::move(label)), total_(total), unit_(std::move(unit)), style_(style) {
  if (style_ == Style::kAuto) {
    style_ = g_quiet ? Style::kQuiet : (::isatty(STDERR_FILENO) ? Style::kBar : Style::kLines);
  }
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

Progress::~Progress() {
  finish();
}

double Progress::rate() const {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return elapsed > 0 ? static_cast<double>(done_) / elapsed : 0.0;
}

void Progress::advance(std::int64_t n, const std::string& note) {
  done_ += n;
  if (!note.empty()) note_ = note;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  const double interval = style_ == Style::kBar ? kBarIntervalSeconds : kLineIntervalSeconds;
  if (since >= interval) {
    last_draw_ = now;
    draw(false);
  }
}

void Progress::finish(const std::string& note) {
  if (finished_) return;
  finished_ = true;
  if (!note.empty()) note_ = note;
  draw(true);
}

void Progress::draw(bool final_line) {
  if (style_ == Style::kQuiet) return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double r = rate();
  std::string line = label_;
  if (total_ > 0) {
    const double frac =
        std::clamp(static_cast<double>(done_) / static_cast<double>(total_), 0.0, 1.0);
    if (style_ == Style::kBar) {
      constexpr int kWidth = 28;
      const int filled = static_cast<int>(frac * kWidth);
      line += " [" + std::string(static_cast<size_t>(filled), '#') +
              std::string(static_cast<size_t>(kWidth - filled), '.') + "]";
    }
    char buf[96];
    std::snprintf(buf, sizeof buf, " %3.0f%% %lld/%lld", frac * 100, static_cast<long long>(done_),
                  static_cast<long long>(total_));
    line += buf;
  } else {
    line += " " + std::to_string(done_);
  }
  char buf[96];
  std::snprintf(buf, sizeof buf, " | %.1f %s/s", r, unit_.c_str());
  line += buf;
  if (final_line) {
    line += " | " + format_duration(elapsed);
  } else if (total_ > 0 && r > 0) {
    line += " | ETA " + format_duration(static_cast<double>(total_ - done_) / r);
  }
  if (!note_.empty()) line += " | " + note_;

  if (style_ == Style::kBar) {
    // \r + erase-to-end keeps one line updated in place.
    std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final_line ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
}

}  // namespace emomusic
