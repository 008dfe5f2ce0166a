#pragma once
/// @file
/// Progress reporting for long work: a redrawn bar with rate and ETA when stderr is a terminal,
/// plain periodic lines when it is not (logs, CI), nothing when quiet.

#include <chrono>
#include <cstdint>
#include <string>

namespace emomusic {

class Progress {
 public:
  enum class Style { kAuto, kBar, kLines, kQuiet };

  /// `total` may be 0 when unknown; `unit` names what is counted ("img", "faces", "rows").
  Progress(std::string label, std::int64_t total, std::string unit, Style style = Style::kAuto);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Adds `n` done items; `note` (e.g. "loss 1.23") is shown after the rate.
  void advance(std::int64_t n, const std::string& note = {});
  /// Ends the bar with a final line (idempotent).
  void finish(const std::string& note = {});

  double rate() const;  ///< items per second so far
  std::int64_t done() const { return done_; }

  /// Global default for Style::kAuto, set by the application from -q.
  static void set_quiet(bool quiet);

 private:
  void draw(bool final_line);

  std::string label_;
  std::int64_t total_;
  std::string unit_;
  Style style_;
  std::int64_t done_ = 0;
  std::string note_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool finished_ = false;
};

/// "1:02:03" / "02:03" for a duration in seconds.
std::string format_duration(double seconds);

}  // namespace emomusic
