#pragma once
// The one way a numeric option is checked: against the library's ValueRange for the field it
// sets, so that the command line, the web server and the library agree on the bounds. CLI11's own
// Range lets NaN through (every comparison with it is false) and would need the bounds repeated.

#include <CLI/CLI.hpp>
#include <string>
#include <type_traits>

#include "emomusic/core/value_range.hpp"

namespace emomusic::app {

/// A CLI11 check that the option's text is a number of type T within `range` (so finite); a
/// failure is a usage error (exit 2) that CLI11 prefixes with the option's name.
template <class T>
CLI::Validator in_range(const ValueRange<T>& range) {
  const std::string kind = std::is_integral_v<T> ? "INT" : "FLOAT";
  return CLI::Validator(
      [range, kind](std::string& text) -> std::string {
        T value{};
        if (CLI::detail::lexical_cast(text, value) && range.contains(value)) return {};
        return out_of_range(range, text);
      },
      kind + " " + range.describe());
}

}  // namespace emomusic::app
