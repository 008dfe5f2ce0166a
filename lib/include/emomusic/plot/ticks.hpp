#pragma once
/// @file
/// Axis tick positions at "nice" round numbers (1, 2 or 5 times a power of ten) and their labels.

#include <string>
#include <vector>

namespace emomusic::plot {

/// Round-numbered ticks covering [lo, hi]: the first tick is <= lo and the last >= hi, so the axis
/// can be widened to them. About `target_count` ticks (at least 2). lo == hi gets a unit range
/// around the value. Throws UsageError for non-finite bounds or lo > hi.
std::vector<double> nice_ticks(double lo, double hi, int target_count = 6);

/// Labels for evenly spaced ticks, all in one format: as many decimals as the spacing needs
/// ("0.25", "10"), or, when the largest tick is below 0.01 or from a million up, scientific
/// notation ("2.5e-4", "1e6") so that learning rates stay short.
std::vector<std::string> tick_labels(const std::vector<double>& ticks);

}  // namespace emomusic::plot
