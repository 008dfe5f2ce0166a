#pragma once
// The files the page loads beside itself (web/app.js, web/style.css, web/manifest.webmanifest and
// the icons make_web_icons draws), embedded at build time, and the headers the page and they
// share. The page itself (web/index.html) is served by WebServer, which puts this start's token
// into it.

#include <httplib.h>

namespace emomusic::session {

// Never cached (each start has a new token), never sniffed as another type, never framed, no
// Referer sent on; and a Content-Security-Policy that lets the page run only its own script and
// style sheet, talk only to this server, show only its icons and the photos it reads (blob:), and
// load only its own web app manifest.
void set_page_headers(httplib::Response& res);

// GET routes for each embedded file, answered with its bytes, its type and set_page_headers().
void serve_page_files(httplib::Server& server);

}  // namespace emomusic::session
