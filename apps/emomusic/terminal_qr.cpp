#include "terminal_qr.hpp"

#include <qrencode.h>

#include <memory>

#include "emomusic/core/error.hpp"

namespace emomusic::app {
namespace {

// The quiet zone the QR standard asks for; scanners fail on codes drawn against other text.
constexpr int kQuietModules = 4;
// Black text on a white background for each line, then back to the terminal's own colours.
constexpr const char* kBlackOnWhite = "\x1b[30;47m";
constexpr const char* kReset = "\x1b[0m";

}  // namespace

std::string terminal_qr(const std::string& text) {
  const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), QRcode_free);
  if (!code)
    throw UnavailableError("cannot draw a QR code of " + std::to_string(text.size()) +
                           " characters");
  const int modules = code->width;
  const int side = modules + 2 * kQuietModules;
  // Dark module at (x, y) of the drawing, quiet zone included; the lowest bit of the data is
  // the module's colour.
  const auto dark = [&](int x, int y) {
    x -= kQuietModules;
    y -= kQuietModules;
    return x >= 0 && y >= 0 && x < modules && y < modules && (code->data[y * modules + x] & 1) != 0;
  };
  std::string out;
  for (int y = 0; y < side; y += 2) {
    out += kBlackOnWhite;
    for (int x = 0; x < side; ++x) {
      const bool top = dark(x, y);
      const bool bottom = dark(x, y + 1);
      out += top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " ";
    }
    out += kReset;
    out += '\n';
  }
  return out;
}

}  // namespace emomusic::app
