#pragma once
// A QR code drawn for a terminal, so that a phone's camera can open an address shown on screen.

#include <string>

namespace emomusic::app {

/// `text` as a QR code (libqrencode, error correction level M, byte mode) drawn with Unicode
/// half blocks, two rows of modules a line, its 4-module quiet zone included, in black on white
/// whatever the terminal's colours (ANSI colour codes around each line). Throws
/// UnavailableError when libqrencode cannot encode it (too long for a QR code).
std::string terminal_qr(const std::string& text);

}  // namespace emomusic::app
