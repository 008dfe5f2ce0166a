#pragma once
/// @file
/// Options that take one of a few values are enums whose names live in one list, in the enum's
/// order (tta_names(), detector_names(), …): the CLI checks against that list, and these turn a
/// name into its value and back for every such enum, with one wording of the error.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"

namespace emomusic {

/// The value named `name` in `names` (listed in Enum's order). Throws UsageError
/// "unknown <what> '<name>'; expected a, b or c".
template <class Enum>
Enum parse_named(const std::vector<std::string>& names, std::string_view name,
                 std::string_view what) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return static_cast<Enum>(it - names.begin());
  throw UsageError("unknown " + std::string(what) + " '" + excerpt(name, 40) + "'; expected " +
                   join_names(names));
}

/// The name of `value` in `names` (listed in Enum's order).
template <class Enum>
const std::string& name_of(const std::vector<std::string>& names, Enum value) {
  return names.at(static_cast<std::size_t>(value));
}

}  // namespace emomusic
