#include "fer_fixture.hpp"

#include <zlib.h>

#include <random>
#include <stdexcept>

namespace emomusic::test {

FerRow synthetic_row(int label, const std::string& usage, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> noise(0, 60);
  FerRow row{label, std::vector<int>(48 * 48), usage};
  const int band = 3 + label * 6;  // rows band..band+3 are bright for this class
  for (int y = 0; y < 48; ++y) {
    for (int x = 0; x < 48; ++x) {
      const bool bright = y >= band && y < band + 4;
      row.pixels[static_cast<size_t>(y * 48 + x)] = (bright ? 180 : 40) + noise(rng);
    }
  }
  return row;
}

std::string fer_csv(const std::vector<FerRow>& rows) {
  std::string out = "emotion,pixels,Usage\n";
  for (const auto& r : rows) {
    out += std::to_string(r.label) + ",";
    for (size_t i = 0; i < r.pixels.size(); ++i) {
      if (i) out += ' ';
      out += std::to_string(r.pixels[i]);
    }
    out += "," + r.usage + "\n";
  }
  return out;
}

std::vector<FerRow> synthetic_rows(int per_class, const std::vector<std::string>& splits,
                                   std::uint32_t seed) {
  std::vector<FerRow> rows;
  for (const auto& split : splits) {
    for (int i = 0; i < per_class; ++i) {
      for (int label = 0; label < 7; ++label) rows.push_back(synthetic_row(label, split, seed++));
    }
  }
  return rows;
}

void write_gzip(const std::filesystem::path& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot write " + path.string());
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
}

std::string pixels(int count, int value) {
  std::string s;
  for (int i = 0; i < count; ++i) s += (i ? " " : "") + std::to_string(value);
  return s;
}

}  // namespace emomusic::test
