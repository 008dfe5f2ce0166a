#pragma once
// Generated FER2013-style fixtures: the tests never read rows of the real dataset.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace emomusic::test {

struct FerRow {
  int label;
  std::vector<int> pixels;  ///< 2304 values for a valid row
  std::string usage;
};

/// A learnable synthetic face: class k gets a bright band at a class-specific height, plus noise.
FerRow synthetic_row(int label, const std::string& usage, std::uint32_t seed);

/// The pixels field of a FER2013 row: `count` copies of `value`, space-separated.
std::string pixels(int count, int value = 7);

/// `emotion,pixels,Usage` CSV text with a header.
std::string fer_csv(const std::vector<FerRow>& rows);

/// `per_class` rows of each of the 7 classes in each listed split.
std::vector<FerRow> synthetic_rows(int per_class, const std::vector<std::string>& splits,
                                   std::uint32_t seed = 1);

/// Writes `text` gzip-compressed.
void write_gzip(const std::filesystem::path& path, const std::string& text);

}  // namespace emomusic::test
