#pragma once
/// @file
/// Text from outside (file names, CSV fields, headers, HTTP bodies) is bytes of any length and
/// encoding. These helpers make it safe to put into JSON and into error messages.

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace emomusic {

/// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view text);

/// `text` with every ill-formed UTF-8 sequence replaced by U+FFFD; valid text is returned as is.
/// For names that must be written somewhere (JSON, a terminal) while the bytes stay the key.
std::string valid_utf8(std::string_view text);

/// `text` as UTF-8: returned unchanged when it already is, else read as Windows-1252 (the
/// superset of Latin-1 that spreadsheets export), which maps every byte to a character.
std::string utf8_from_legacy(std::string_view text);

/// A piece of input fit to quote in an error message: at most `max_bytes` bytes of it (cut at a
/// character boundary, with "… (N bytes)" appended when cut), ill-formed UTF-8 replaced and
/// control bytes written as \n, \t or \xNN, so a message stays one short line.
std::string excerpt(std::string_view text, std::size_t max_bytes = 80);

/// `text` with A-Z as a-z and every other byte as it was: for names, headers and extensions,
/// which are ASCII; the locale never changes how emomusic reads its input.
std::string ascii_lower(std::string_view text);

/// `text` without the spaces, tabs and line ends at either end (a view into it).
std::string_view trim_whitespace(std::string_view text);

/// The allowed names of an option for a message: "a", "a or b", "a, b or c".
std::string join_names(const std::vector<std::string>& names);

/// nlohmann::json::dump that never throws on ill-formed UTF-8 in a string: such bytes become
/// U+FFFD. Every JSON that emomusic writes goes through here.
std::string dump_json(const nlohmann::json& value, int indent = -1);

}  // namespace emomusic
