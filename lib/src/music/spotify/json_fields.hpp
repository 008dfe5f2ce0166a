#pragma once
// Checked access to fields of Spotify's JSON answers: a missing or mistyped field becomes a
// ServiceError naming it and the answer it was missing from, never a crash or a json exception.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace emomusic::spotify::detail {

/// `obj[key]`, which must exist and not be null.
const nlohmann::json& required(const nlohmann::json& obj, const char* key,
                               const std::string& where);
std::string required_string(const nlohmann::json& obj, const char* key, const std::string& where);
std::int64_t required_integer(const nlohmann::json& obj, const char* key, const std::string& where);
/// The string at `key`, or empty when missing or null; a non-string is an error.
std::string optional_string(const nlohmann::json& obj, const char* key, const std::string& where);

}  // namespace emomusic::spotify::detail
