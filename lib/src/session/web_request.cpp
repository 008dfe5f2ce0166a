#include "web_request.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "bounded_http_server.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/core/value_range.hpp"
#include "emomusic/music/mood_history.hpp"
#include "emomusic/session/web_config.hpp"
#include "emomusic/session/web_limits.hpp"

namespace emomusic::session {
namespace {

using Request = httplib::Request;

std::string param(const Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

// The parameter's number within `range`; `fallback` when it is absent.
template <class T>
T number_param(const Request& req, const char* name, T fallback, const ValueRange<T>& range) {
  if (!req.has_param(name)) return fallback;
  return parse_in_range(req.get_param_value(name), range, std::string("parameter ") + name);
}

bool bool_param(const Request& req, const char* name) {
  if (!req.has_param(name)) return false;
  const std::string& text = req.get_param_value(name);
  if (text.empty() || text == "1" || text == "true") return true;
  if (text == "0" || text == "false") return false;
  throw BadRequest(
      fmt::format("parameter {} must be true, false, 1 or 0, not \"{}\"", name, excerpt(text)));
}

}  // namespace

std::string body_too_large_message() {
  return fmt::format("the body is larger than the limit of {} bytes", kMaxUploadBytes);
}

// curl's --data-binary says application/x-www-form-urlencoded, and a script may say nothing at
// all: the bytes are the body whatever it is called.
std::string read_body(const Request& req, httplib::Response& res,
                      const httplib::ContentReader& read) {
  if (req.is_multipart_form_data()) {
    throw UnsupportedMediaType(
        "send the bytes themselves as the body (e.g. Content-Type: image/jpeg or "
        "application/json), not a multipart form");
  }
  std::string body;
  bool too_large = false;
  const bool complete = read([&](const char* data, std::size_t n) {
    if (n > kMaxUploadBytes - body.size()) {
      too_large = true;
      return false;
    }
    body.append(data, n);
    return true;
  });
  // httplib says 413 itself for a Content-Length over the limit.
  if (too_large || res.status == 413 || BoundedHttpServer::body_over_limit()) {
    throw PayloadTooLarge(body_too_large_message());
  }
  if (!complete) {
    throw BadRequest("the body stopped early or its chunks are malformed");
  }
  return body;
}

// A second Host or Origin could pass a check made on the first and be read elsewhere as the real
// one, and a length beside chunked encoding lets two readers disagree on where the body ends
// (request smuggling).
void check_single_headers(const Request& req) {
  for (const char* name : {"Host", "Origin", "Content-Length", "Transfer-Encoding", "Content-Type",
                           "X-Emomusic-Token"}) {
    const std::size_t count = req.get_header_value_count(name);
    if (count > 1) {
      throw BadRequest(fmt::format("the request has {} {} headers; send one", count, name));
    }
  }
  if (req.has_header("Content-Length") && req.has_header("Transfer-Encoding")) {
    throw BadRequest("the request has both Content-Length and Transfer-Encoding; send one");
  }
}

// Session ids come from the page: short, printable, so they can never grow the server's memory.
std::string session_id(const Request& req) {
  if (!req.has_param("session")) return "default";
  const std::string& id = req.get_param_value("session");
  const bool ok =
      !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_';
      });
  if (!ok) {
    throw BadRequest("parameter session must be 1 to 64 letters, digits, '-' or '_', not \"" +
                     excerpt(id) + "\"");
  }
  return id;
}

int history_days(const Request& req) {
  return number_param(req, "days", kPageHistoryDays, music::kHistoryDaysRange);
}

PlaylistRequest playlist_request(const Request& req) {
  PlaylistRequest r;
  if (!req.has_param("emotion")) throw BadRequest("parameter emotion is missing");
  r.emotion = emotion_from_string(req.get_param_value("emotion"));
  if (req.has_param("mode")) r.strategy = music::strategy_from_string(req.get_param_value("mode"));
  r.target = param(req, "target");
  r.steps = number_param(req, "steps", r.steps, kStepsRange);
  r.rank.limit = number_param(req, "limit", r.rank.limit, music::kLimitRange);
  r.filter.genre = param(req, "genre");
  r.filter.artist = param(req, "artist");
  if (req.has_param("years")) r.filter.set_years(req.get_param_value("years"));
  r.filter.no_explicit = bool_param(req, "no_explicit");
  r.filter.set_language(param(req, "language"));
  if (req.has_param("seed")) {
    r.seed = static_cast<std::uint64_t>(number_param<std::int64_t>(req, "seed", 0, kSeedRange));
  }
  return r;
}

nlohmann::json object_body(const std::string& text) {
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw BadRequest("the body is not JSON (" + std::string(e.what()) + "): \"" + excerpt(text) +
                     "\"");
  }
  if (!body.is_object()) throw BadRequest("the body must be a JSON object");
  return body;
}

std::string string_field(const nlohmann::json& body, const char* field) {
  const auto it = body.find(field);
  if (it == body.end() || !it->is_string()) {
    throw BadRequest(std::string("field ") + field + " must be a string");
  }
  return it->get<std::string>();
}

std::vector<std::string> string_array_field(const nlohmann::json& body, const char* field) {
  std::vector<std::string> out;
  const auto it = body.find(field);
  if (it == body.end()) return out;
  const std::string wrong = std::string("field ") + field + " must be an array of strings";
  if (!it->is_array()) throw BadRequest(wrong);
  for (const auto& value : *it) {
    if (!value.is_string()) throw BadRequest(wrong);
    out.push_back(value.get<std::string>());
  }
  return out;
}

}  // namespace emomusic::session
