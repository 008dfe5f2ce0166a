#include "emomusic/music/spotify/url.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace emomusic::spotify {

namespace {

bool is_unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parameters whose values grant access; they must not reach a log or an error message.
constexpr std::array<std::string_view, 8> kSecretParams = {
    "code",          "state",         "access_token",   "refresh_token",
    "code_verifier", "client_secret", "code_challenge", "token"};

}  // namespace

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string url_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string form_encode(const Params& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += '&';
    out += url_encode(key) + '=' + url_encode(value);
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      const std::string key = url_decode(pair.substr(0, eq));
      const std::string value =
          eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
      out.emplace(key, value);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

std::string redact_url(const std::string& url) {
  const auto question = url.find('?');
  if (question == std::string::npos) return url;
  std::string out = url.substr(0, question + 1);
  std::string_view query(url);
  query.remove_prefix(question + 1);
  bool first = true;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    const std::string key = url_decode(pair.substr(0, eq));
    if (!first) out += '&';
    first = false;
    const bool secret =
        std::find(kSecretParams.begin(), kSecretParams.end(), key) != kSecretParams.end();
    out += secret && eq != std::string_view::npos ? std::string(pair.substr(0, eq)) + "=REDACTED"
                                                  : std::string(pair);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace emomusic::spotify
