#include "emomusic/music/emotion_input.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"

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
  // A line keeps its line end; an error quotes the word, not the line end.
  if (!looks_like_json(text)) return emotion_from_string(trim_whitespace(text));
  const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    throw InputError("emotion input is not valid JSON: " + excerpt(text));
  }
  const auto it = doc.find("emotion");
  if (it == doc.end() || !it->is_string()) {
    throw InputError("emotion input JSON has no \"emotion\" string field: " +
                     excerpt(dump_json(doc)));
  }
  return emotion_from_string(it->get<std::string>());
}

Emotion read_emotion(std::istream& in) {
  // Reads byte by byte up to the end of the first message, never further (a detector that keeps
  // printing must not block the pipeline) and never more than kMaxEmotionMessage bytes: the
  // input may be anything, of any length.
  std::string message;
  int depth = 0;  // of a JSON object's braces, outside its strings
  bool in_string = false, escaped = false, json = false;
  for (int c; (c = in.get()) != std::char_traits<char>::eof();) {
    if (message.size() >= kMaxEmotionMessage) {
      throw InputError("the emotion message on standard input is longer than " +
                       std::to_string(kMaxEmotionMessage) + " bytes: " + excerpt(message));
    }
    const char ch = static_cast<char>(c);
    if (message.empty() && (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')) continue;
    message += ch;
    if (message.size() == 1) json = ch == '{';
    if (!json) {
      if (ch == '\n') break;
      continue;
    }
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (ch == '\\') {
        escaped = true;
      } else if (ch == '"') {
        in_string = false;
      }
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '{') {
      ++depth;
    } else if (ch == '}' && --depth == 0) {
      break;
    }
  }
  if (blank(message)) {
    throw InputError(
        "standard input ended before an emotion was read (expected a line such as \"happy\" or "
        "{\"emotion\": \"happy\"})");
  }
  return parse_emotion_message(message);
}

}  // namespace emomusic::music
