#pragma once
/// @file
/// Every limit the web server puts on what a client sends, in one place. A client is untrusted:
/// each limit bounds the memory or the time one request can take, far above what the page sends.

#include <cstddef>
#include <cstdint>

namespace emomusic::session {

/// The largest request body (an image upload, a JSON request), counted as it arrives, chunked or
/// not: 413. A 4K JPEG is well under it.
inline constexpr std::size_t kMaxUploadBytes = 8u << 20;

/// The request line and headers together, in bytes: 431. The page sends under 1 KB; browsers
/// add the cookies of every local app on "localhost", which rarely pass a few KB.
inline constexpr std::size_t kMaxHeadBytes = 64u << 10;
/// Header lines in one request: 431.
inline constexpr std::size_t kMaxHeaderLines = 100;
/// Seconds a client has to send its request line and headers (WebServerOptions::head_timeout_s's
/// default): 408 after it.
inline constexpr int kHeadTimeoutSeconds = 10;
/// One worker is kept for clients that send their request at once: a connection whose headers
/// are not complete on arrival waits on one of the other workers, or, when all those are taken
/// by slow clients, at most this long on the last one (a client on this machine or its network
/// sends its headers in well under a millisecond).
inline constexpr int kReservedWorkerHeadWaitMs = 1000;

/// The most pixels /api/analyze decodes (width × height; 4096×4096): 413. The page sends
/// 640×480 frames; a 12-megapixel phone photo fits. Read from the image's header, so a larger
/// image is refused before anything is allocated for it.
inline constexpr std::int64_t kMaxUploadPixels = 4096 * 4096;
/// Uploads decoded at once; the others wait. Each decoded frame may take 3 bytes a pixel.
inline constexpr int kMaxDecodesAtOnce = 2;

}  // namespace emomusic::session
