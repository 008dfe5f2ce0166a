#include "emomusic/music/emotion_input.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include "emomusic/core/error.hpp"

namespace emomusic::music {

namespace {

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

bool looks_like_json(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && s[first] == '{';
}

}  // namespace

Emotion parse_emotion_message(std::string_view text) {
  if (!looks_like_json(text)) return emotion_from_string(text);
  const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    throw InputError("emotion input is not valid JSON: " + std::string(text.substr(0, 80)));
  }
  const auto it = doc.find("emotion");
  if (it == doc.end() || !it->is_string()) {
    throw InputError("emotion input JSON has no \"emotion\" string field: " + doc.dump());
  }
  return emotion_from_string(it->get<std::string>());
}

Emotion read_emotion(std::istream& in) {
  std::string line;
  std::string message;
  while (std::getline(in, line)) {
    if (message.empty() && blank(line)) continue;
    message += line + '\n';
    if (!looks_like_json(message) || nlohmann::json::accept(message)) break;
  }
  if (blank(message)) {
    throw InputError(
        "--emotion -: standard input ended before an emotion was read (expected a "
        "line such as \"happy\" or {\"emotion\": \"happy\"})");
  }
  return parse_emotion_message(message);
}

}  // namespace emomusic::music
