#include "emomusic/plot/ticks.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "emomusic/core/error.hpp"

namespace emomusic::plot {

std::vector<double> nice_ticks(double lo, double hi, int target_count) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi) {
    throw UsageError("axis range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                     "] is not a finite, ordered range");
  }
  if (lo == hi) {
    const double half = lo == 0 ? 1.0 : std::abs(lo) * 0.5;
    lo -= half;
    hi += half;
  }
  const double raw_step = (hi - lo) / std::max(1, target_count - 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw_step)));
  // The round step nearest the raw one (by ratio), so the count stays close to the target.
  double step = magnitude;
  for (const double factor : {2.0, 2.5, 5.0, 10.0}) {
    const double candidate = factor * magnitude;
    if (std::abs(std::log(candidate / raw_step)) < std::abs(std::log(step / raw_step))) {
      step = candidate;
    }
  }
  const double first = std::floor(lo / step + 1e-9);
  const double last = std::ceil(hi / step - 1e-9);
  std::vector<double> ticks;
  for (double k = first; k <= last; ++k) {
    const double tick = k * step;
    // Snap tiny rounding residue so that labels read "0", not "-1.2e-17".
    ticks.push_back(std::abs(tick) < step * 1e-9 ? 0.0 : tick);
  }
  return ticks;
}

namespace {

std::string scientific(double value) {
  if (value == 0) return "0";
  const int exponent = static_cast<int>(std::floor(std::log10(std::abs(value)) + 1e-9));
  char mantissa[16];
  std::snprintf(mantissa, sizeof mantissa, "%.2g", value / std::pow(10.0, exponent));
  return std::string(mantissa) + "e" + std::to_string(exponent);
}

}  // namespace

std::vector<std::string> tick_labels(const std::vector<double>& ticks) {
  double largest = 0;
  for (const double t : ticks) largest = std::max(largest, std::abs(t));
  const double step = ticks.size() > 1 ? std::abs(ticks[1] - ticks[0]) : std::max(largest, 1.0);
  const bool use_scientific = largest > 0 && (largest < 1e-2 || largest >= 1e6);
  // Enough decimals to tell neighbours apart; a step like 0.25 needs one more than 0.2 does.
  int decimals = std::clamp(static_cast<int>(std::ceil(-std::log10(step) - 1e-9)), 0, 6);
  const double scaled = step * std::pow(10.0, decimals);
  if (std::abs(scaled - std::round(scaled)) > 1e-6 && decimals < 6) ++decimals;

  std::vector<std::string> labels;
  labels.reserve(ticks.size());
  for (const double t : ticks) {
    if (use_scientific) {
      labels.push_back(scientific(t));
    } else {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.*f", decimals, t);
      labels.push_back(buffer);
    }
  }
  return labels;
}

}  // namespace emomusic::plot
