#include "emomusic/music/spotify/request_sender.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "emomusic/core/text.hpp"
#include "emomusic/music/spotify/errors.hpp"
#include "emomusic/music/spotify/url.hpp"

namespace emomusic::spotify {

namespace {

struct ErrorBody {
  std::string message;
  std::string reason;
};

// Spotify speaks two error shapes: the Web API's {"error":{"status","message","reason"?}} and the
// accounts service's OAuth {"error":"invalid_client","error_description":"…"}.
ErrorBody read_error_body(const std::string& body) {
  ErrorBody out;
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) return out;
  const auto string_at = [](const nlohmann::json& obj, const char* key) {
    const auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (const auto it = doc.find("error"); it != doc.end()) {
    if (it->is_object()) {
      out.message = string_at(*it, "message");
      out.reason = string_at(*it, "reason");
    } else if (it->is_string()) {
      out.reason = it->get<std::string>();
      out.message = string_at(doc, "error_description");
    }
  }
  if (out.reason.empty()) out.reason = string_at(doc, "reason");
  return out;
}

std::string describe(const HttpRequest& request) {
  return request.method + " " + redact_url(request.url);
}

bool surely_unprocessed(const HttpResponse& response) {
  return response.status == 429 || response.status == 503;
}

}  // namespace

HttpResponse RequestSender::send(const HttpRequest& request) {
  const bool idempotent =
      request.method == "GET" || request.method == "PUT" || request.method == "DELETE";
  auto backoff = policy_.initial_backoff;
  for (int attempt = 1;; ++attempt) {
    const bool last = attempt >= policy_.max_attempts;
    std::chrono::milliseconds wait{};
    try {
      HttpResponse response = http_.send(request);
      spdlog::debug("{} -> HTTP {}", describe(request), response.status);
      if (response.status == 429) {
        const ErrorBody err = read_error_body(response.body);
        if (err.reason == "QUOTA_EXCEEDED")
          throw ApiError(429, err.reason,
                         "Spotify says this app's quota is spent (429 QUOTA_EXCEEDED on " +
                             describe(request) +
                             "); emomusic stops here. Try again later, or raise the quota in the "
                             "Spotify developer dashboard.");
        const long seconds = response.retry_after_s.value_or(1);
        if (seconds > policy_.max_retry_after.count())
          throw ApiError(429, err.reason,
                         "Spotify rate-limits " + describe(request) + " and asks to wait " +
                             std::to_string(seconds) + " s, more than the allowed " +
                             std::to_string(policy_.max_retry_after.count()) +
                             " s; try again later or allow a longer wait");
        if (last) throw_api_error(request, response);
        wait = std::chrono::seconds(seconds);
        spdlog::warn("Spotify rate limit: waiting {} s before retrying {}", seconds,
                     describe(request));
      } else if (response.status >= 500 && (idempotent || surely_unprocessed(response))) {
        if (last) throw_api_error(request, response);
        wait = backoff;
        spdlog::warn("Spotify answered HTTP {} to {}; retrying in {} ms", response.status,
                     describe(request), wait.count());
      } else {
        return response;
      }
    } catch (const TransportError& e) {
      if (last || (!idempotent && e.reached_server())) throw;
      wait = backoff;
      spdlog::warn("{}; retrying in {} ms", e.what(), wait.count());
    }
    std::this_thread::sleep_for(wait);
    backoff = std::min(backoff * 2, policy_.max_backoff);
  }
}

void throw_api_error(const HttpRequest& request, const HttpResponse& response) {
  const ErrorBody err = read_error_body(response.body);
  std::string message =
      "Spotify answered HTTP " + std::to_string(response.status) + " to " + describe(request);
  // The server's words are quoted short: a misbehaving server may send megabytes of them.
  const std::string what = excerpt(err.message, 200);
  const std::string reason = excerpt(err.reason, 80);
  if (!what.empty() || !reason.empty())
    message += ": " + (reason.empty() ? what : reason + (what.empty() ? "" : " (" + what + ")"));
  switch (response.status) {
    case 401:
      message += "; the access token was refused even after renewing it";
      break;
    case 403:
      message +=
          "; a missing scope, a user not on the app's allowlist, an endpoint removed for this "
          "app, or the app owner's Premium has lapsed";
      break;
    case 429:
      message += "; still rate-limited after retrying, try again later";
      break;
    default:
      if (response.status >= 500) message += "; Spotify seems to be down, try again later";
  }
  throw ApiError(response.status, err.reason, message);
}

nlohmann::json parse_json_body(const HttpRequest& request, const std::string& body) {
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    throw ServiceError("Spotify sent malformed JSON in answer to " + describe(request) +
                       " (error at byte " + std::to_string(e.byte) + " of " +
                       std::to_string(body.size()) + ")");
  }
}

}  // namespace emomusic::spotify
