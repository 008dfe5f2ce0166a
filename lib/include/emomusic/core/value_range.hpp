#pragma once
/// @file
/// The allowed range of a numeric setting. Each range is defined next to the option struct whose
/// field it bounds, so that every front end (the command line's options, the web server's
/// parameters) offers the same bounds, and the library checks them again where the value is used.

#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "emomusic/core/error.hpp"

namespace emomusic {

/// Bounds, both included. A value outside them, NaN and infinities included, is refused.
template <class T>
struct ValueRange {
  T lo;
  T hi;

  /// False for NaN: every comparison with it is false.
  constexpr bool contains(T value) const { return value >= lo && value <= hi; }

  /// "from 1 to 256"
  std::string describe() const {
    std::ostringstream out;
    out << "from " << +lo << " to " << +hi;
    return out.str();
  }
};

/// Throws UsageError "`what` must be a number from LO to HI, not VALUE" unless `range` holds
/// `value`. `what` names the field ("the learning rate"), never a command-line flag.
template <class T>
void check_range(T value, const ValueRange<T>& range, std::string_view what) {
  if (range.contains(value)) return;
  std::ostringstream out;
  out << what << " must be a number " << range.describe() << ", not " << +value;
  throw UsageError(out.str());
}

/// A TCP port; 0 lets the system pick a free one.
inline constexpr ValueRange<int> kPortRange{0, 65535};

/// A camera's number N (/dev/videoN); the kernel numbers V4L2 devices far below this. Here, not in
/// vision, because the front end that links no OpenCV declares the camera options too.
inline constexpr ValueRange<int> kCameraRange{0, 1023};

}  // namespace emomusic
