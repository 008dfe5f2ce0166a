#include "web_assets.hpp"

#include <string_view>

#include "emomusic_web_icon_192.hpp"
#include "emomusic_web_icon_512.hpp"
#include "emomusic_web_icon_svg.hpp"
#include "emomusic_web_manifest.hpp"
#include "emomusic_web_script.hpp"
#include "emomusic_web_style.hpp"

namespace emomusic::session {
namespace {

struct PageFile {
  const char* route;  // httplib matches it as a regular expression: the dot is escaped
  const char* content_type;
  std::string_view bytes;
};

const PageFile kPageFiles[] = {
    {R"(/app\.js)",
     "text/javascript; charset=utf-8",
     {reinterpret_cast<const char*>(kEmomusicWebScript), kEmomusicWebScript_size}},
    {R"(/style\.css)",
     "text/css; charset=utf-8",
     {reinterpret_cast<const char*>(kEmomusicWebStyle), kEmomusicWebStyle_size}},
    // For the home screen: the web app manifest and the icons it and the page name.
    {R"(/manifest\.webmanifest)",
     "application/manifest+json",
     {reinterpret_cast<const char*>(kEmomusicWebManifest), kEmomusicWebManifest_size}},
    {R"(/icon\.svg)",
     "image/svg+xml",
     {reinterpret_cast<const char*>(kEmomusicWebIconSvg), kEmomusicWebIconSvg_size}},
    {R"(/icon-192\.png)",
     "image/png",
     {reinterpret_cast<const char*>(kEmomusicWebIcon192), kEmomusicWebIcon192_size}},
    {R"(/icon-512\.png)",
     "image/png",
     {reinterpret_cast<const char*>(kEmomusicWebIcon512), kEmomusicWebIcon512_size}},
};

// 'self' images for the page's icon, blob: for the photos it reads; its web app manifest; forms
// are never sent (the page handles its own submit); the one frame is Spotify's player for the
// chosen track (web/app.js, EMBED_ORIGIN).
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' blob:; manifest-src 'self'; frame-src https://open.spotify.com; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

}  // namespace

void set_page_headers(httplib::Response& res) {
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Content-Security-Policy", kContentSecurityPolicy);
}

void serve_page_files(httplib::Server& server) {
  for (const PageFile& file : kPageFiles) {
    server.Get(file.route, [&file](const httplib::Request&, httplib::Response& res) {
      set_page_headers(res);
      res.set_content(file.bytes.data(), file.bytes.size(), file.content_type);
    });
  }
}

}  // namespace emomusic::session
