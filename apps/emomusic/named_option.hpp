#pragma once
// The one way an option that takes one of a few values is bound: straight into the library's enum
// field, checked against the library's list of its names (core/named_values.hpp). The names and
// the default then live in the library alone, not also as strings here.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "emomusic/core/named_values.hpp"

namespace emomusic::app {

/// Adds `flag`, which takes a name of `names` (the library's list, in Enum's order) and sets
/// `value` to the value it names. Any other text is a usage error (exit 2) that lists the names;
/// the help shows them, and the name of `value` as it is now as the default.
template <class Enum>
CLI::Option* add_named_option(CLI::App& cmd, const std::string& flag, Enum& value,
                              const std::vector<std::string>& names, const std::string& help) {
  return cmd
      .add_option_function<std::string>(
          flag,
          [&value, &names, flag](const std::string& name) {
            value = parse_named<Enum>(names, name, flag);
          },
          help)
      ->check(CLI::IsMember(names))
      ->default_str(name_of(names, value));
}

}  // namespace emomusic::app
