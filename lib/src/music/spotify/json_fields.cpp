#include "json_fields.hpp"

#include "emomusic/core/error.hpp"

namespace emomusic::spotify::detail {

namespace {

[[noreturn]] void missing(const char* key, const std::string& where, const char* expected) {
  throw ServiceError("Spotify's " + where + " lacks the " + expected + " field \"" + key +
                     "\" (has the API changed?)");
}

}  // namespace

const nlohmann::json& required(const nlohmann::json& obj, const char* key,
                               const std::string& where) {
  if (!obj.is_object()) throw ServiceError("Spotify's " + where + " is not a JSON object");
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) missing(key, where, "required");
  return *it;
}

std::string required_string(const nlohmann::json& obj, const char* key, const std::string& where) {
  const auto& value = required(obj, key, where);
  if (!value.is_string()) missing(key, where, "string");
  return value.get<std::string>();
}

std::int64_t required_integer(const nlohmann::json& obj, const char* key,
                              const std::string& where) {
  const auto& value = required(obj, key, where);
  if (!value.is_number_integer()) missing(key, where, "integer");
  return value.get<std::int64_t>();
}

std::string optional_string(const nlohmann::json& obj, const char* key, const std::string& where) {
  if (!obj.is_object()) throw ServiceError("Spotify's " + where + " is not a JSON object");
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) missing(key, where, "string");
  return it->get<std::string>();
}

}  // namespace emomusic::spotify::detail
