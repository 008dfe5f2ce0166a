#pragma once
// Reading what a client of the web server sent: its body within the limits, its query
// parameters and JSON fields, each refused with a message that names the parameter or field.
// Internal to the server: the deserialisation half of its thin HTTP layer.

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "emomusic/core/error.hpp"
#include "emomusic/session/playlist.hpp"

namespace emomusic::session {

// A bad request found while handling one: 400 with the message, like any UsageError.
struct BadRequest : UsageError {
  using UsageError::UsageError;
};
// A body over kMaxUploadBytes: 413.
struct PayloadTooLarge : UsageError {
  using UsageError::UsageError;
};
// A body in a form the route does not read: 415.
struct UnsupportedMediaType : UsageError {
  using UsageError::UsageError;
};

std::string body_too_large_message();

// The whole body, counted against kMaxUploadBytes as it arrives (chunked or not), whatever its
// Content-Type, but a multipart form (415).
std::string read_body(const httplib::Request& req, httplib::Response& res,
                      const httplib::ContentReader& read);

// Headers that must come once (see the definition for why); BadRequest otherwise.
void check_single_headers(const httplib::Request& req);

// The page's session id: 1 to 64 letters, digits, '-' or '_' ("default" when absent).
std::string session_id(const httplib::Request& req);

// The history days asked for (`days`, default kPageHistoryDays), within music::kHistoryDaysRange.
int history_days(const httplib::Request& req);

// GET /api/recommend's parameters: emotion (required), mode, target, steps, limit, genre, artist,
// years, no_explicit, language, seed. Numbers are checked against the library's ranges, in its
// wording.
PlaylistRequest playlist_request(const httplib::Request& req);

// A JSON object body, its string fields and arrays of strings.
nlohmann::json object_body(const std::string& text);
std::string string_field(const nlohmann::json& body, const char* field);
std::vector<std::string> string_array_field(const nlohmann::json& body, const char* field);

}  // namespace emomusic::session
