#pragma once
/// @file
/// The allowed range of a numeric setting. Each range is defined next to the option struct whose
/// field it bounds, so that every front end (the command line's options, the web server's
/// parameters) offers the same bounds, and the library checks them again where the value is used.

#include <charconv>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"

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

/// "must be a whole number from LO to HI, not 'TEXT'" (a number, for fractional types): the one
/// wording of a value out of its range, whichever front end read it. TEXT is quoted short.
template <class T>
std::string out_of_range(const ValueRange<T>& range, std::string_view text) {
  return std::string("must be ") + (std::is_integral_v<T> ? "a whole number " : "a number ") +
         range.describe() + ", not '" + excerpt(text) + "'";
}

/// Throws UsageError "`what` must be a number from LO to HI, not 'VALUE'" unless `range` holds
/// `value`. `what` names the field ("the learning rate"), never a command-line flag.
template <class T>
void check_range(T value, const ValueRange<T>& range, std::string_view what) {
  if (range.contains(value)) return;
  std::ostringstream text;
  text << +value;
  throw UsageError(std::string(what) + " " + out_of_range(range, text.str()));
}

/// `text` read as a T within `range`, all of it (no sign or spaces around a whole number);
/// throws UsageError "`what` must be …" (out_of_range()) for anything else.
template <class T>
T parse_in_range(std::string_view text, const ValueRange<T>& range, std::string_view what) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || stop != end || !range.contains(value)) {
    throw UsageError(std::string(what) + " " + out_of_range(range, text));
  }
  return value;
}

/// A TCP port; 0 lets the system pick a free one.
inline constexpr ValueRange<int> kPortRange{0, 65535};

/// A camera's number N (/dev/videoN); the kernel numbers V4L2 devices far below this. Here, not in
/// vision, because the front end that links no OpenCV declares the camera options too.
inline constexpr ValueRange<int> kCameraRange{0, 1023};

}  // namespace emomusic
