// serve's QR code in the terminal (apps/emomusic/terminal_qr.cpp): read back from its half
// blocks, it is libqrencode's symbol for the text, module for module, inside a light quiet zone.
#include "terminal_qr.hpp"

#include <gtest/gtest.h>
#include <qrencode.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace emomusic::app {
namespace {

using Modules = std::vector<std::vector<bool>>;

constexpr const char* kColours = "\x1b[30;47m";
constexpr const char* kReset = "\x1b[0m";

// The drawing's modules, two rows a line ('█' both dark, '▀' the upper, '▄' the lower).
Modules read_back(const std::string& drawing) {
  Modules rows;
  std::istringstream lines(drawing);
  std::string line;
  while (std::getline(lines, line)) {
    EXPECT_EQ(line.rfind(kColours, 0), 0u) << "a line does not set its colours";
    EXPECT_GE(line.size(), std::string(kReset).size());
    EXPECT_EQ(line.substr(line.size() - std::string(kReset).size()), kReset);
    const std::string body =
        line.substr(std::string(kColours).size(),
                    line.size() - std::string(kColours).size() - std::string(kReset).size());
    std::vector<bool> upper;
    std::vector<bool> lower;
    for (std::size_t i = 0; i < body.size();) {
      if (body[i] == ' ') {
        upper.push_back(false);
        lower.push_back(false);
        ++i;
        continue;
      }
      const std::string glyph = body.substr(i, 3);
      EXPECT_TRUE(glyph == "█" || glyph == "▀" || glyph == "▄") << "unexpected glyph";
      upper.push_back(glyph == "█" || glyph == "▀");
      lower.push_back(glyph == "█" || glyph == "▄");
      i += 3;
    }
    rows.push_back(upper);
    rows.push_back(lower);
  }
  return rows;
}

Modules encoded(const std::string& text) {
  const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), QRcode_free);
  Modules m(code->width, std::vector<bool>(code->width));
  for (int y = 0; y < code->width; ++y) {
    for (int x = 0; x < code->width; ++x) m[y][x] = (code->data[y * code->width + x] & 1) != 0;
  }
  return m;
}

TEST(TerminalQr, IsTheSymbolInsideItsQuietZone) {
  const std::string url = "https://192.168.1.20:8765/#k=0123456789abcdef0123456789abcdef";
  const Modules symbol = encoded(url);
  const int n = static_cast<int>(symbol.size());
  const int quiet = 4;
  const Modules drawn = read_back(terminal_qr(url));
  // An odd number of rows: the last line's lower half is quiet zone too.
  ASSERT_EQ(drawn.size(), static_cast<std::size_t>(n + 2 * quiet + 1));
  for (std::size_t y = 0; y < drawn.size(); ++y) {
    ASSERT_EQ(drawn[y].size(), static_cast<std::size_t>(n + 2 * quiet)) << "row " << y;
    for (int x = 0; x < n + 2 * quiet; ++x) {
      const int sx = x - quiet;
      const int sy = static_cast<int>(y) - quiet;
      const bool in_symbol = sx >= 0 && sy >= 0 && sx < n && sy < n;
      EXPECT_EQ(drawn[y][x], in_symbol && symbol[sy][sx]) << "module " << x << "," << y;
    }
  }
  // The finder pattern's dark corner, where a scanner starts.
  EXPECT_TRUE(drawn[quiet][quiet]);
  EXPECT_FALSE(drawn[quiet - 1][quiet - 1]);
}

TEST(TerminalQr, AnotherTextAnotherDrawing) {
  EXPECT_NE(terminal_qr("https://127.0.0.2:1/#k=a"), terminal_qr("https://127.0.0.2:1/#k=b"));
}

}  // namespace
}  // namespace emomusic::app
