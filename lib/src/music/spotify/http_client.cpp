#include "emomusic/music/spotify/http_client.hpp"

#include <curl/curl.h>

#include <cctype>
#include <cstdlib>
#include <mutex>

#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/music/spotify/errors.hpp"
#include "emomusic/music/spotify/url.hpp"

namespace emomusic::spotify {

namespace {

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw TransportError(false, false, "cannot initialise libcurl");
  });
}

// Returning less than was given makes libcurl stop the transfer (CURLE_WRITE_ERROR).
size_t append_body(char* data, size_t size, size_t count, void* user) {
  auto& body = *static_cast<std::string*>(user);
  if (body.size() + size * count > kMaxResponseBytes) return 0;
  body.append(data, size * count);
  return size * count;
}

// Picks Retry-After out of the header lines; an HTTP-date value is ignored (Spotify sends seconds).
size_t read_header(char* data, size_t size, size_t count, void* user) {
  const std::string line(data, size * count);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    if (ascii_lower(std::string_view(line).substr(0, kName.size())) == kName) {
      const char* value = line.c_str() + kName.size();
      char* end = nullptr;
      const long seconds = std::strtol(value, &end, 10);
      if (end != value && seconds >= 0) static_cast<HttpResponse*>(user)->retry_after_s = seconds;
    }
  }
  return size * count;
}

struct HeaderList {
  curl_slist* list = nullptr;
  ~HeaderList() { curl_slist_free_all(list); }
};

}  // namespace

struct HttpClient::Handle {
  CURL* curl = nullptr;
  ~Handle() { curl_easy_cleanup(curl); }
};

HttpClient::HttpClient(HttpTimeouts timeouts)
    : handle_(std::make_unique<Handle>()), timeouts_(timeouts) {
  global_init_once();
  handle_->curl = curl_easy_init();
  if (!handle_->curl) throw TransportError(false, false, "cannot create a libcurl handle");
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::send(const HttpRequest& request) {
  CURL* curl = handle_->curl;
  curl_easy_reset(curl);
  HttpResponse response;
  HeaderList headers;
  for (const auto& h : request.headers) headers.list = curl_slist_append(headers.list, h.c_str());

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  // Verbose output would print the Authorization header and form bodies holding secrets.
  curl_easy_setopt(curl, CURLOPT_VERBOSE, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeouts_.connect.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeouts_.total.count()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, read_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "emomusic");
  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }

  const CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_WRITE_ERROR) {
    // Not a transport fault worth retrying: the server sent more than any Spotify answer holds.
    throw ServiceError(request.method + " " + redact_url(request.url) +
                       ": the answer is larger than " + std::to_string(kMaxResponseBytes >> 20) +
                       " MiB; not the Spotify API?");
  }
  if (rc != CURLE_OK) {
    const bool timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    curl_off_t connected_at = 0;
    curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &connected_at);
    const bool reached =
        !(rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST) && connected_at > 0;
    throw TransportError(
        timed_out, reached,
        request.method + " " + redact_url(request.url) + ": " + curl_easy_strerror(rc) +
            (timed_out ? " (connect timeout " + std::to_string(timeouts_.connect.count()) +
                             " ms, total " + std::to_string(timeouts_.total.count()) + " ms)"
                       : ""));
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace emomusic::spotify
