#pragma once
// Collects rows from any loader into a FaceDataset, and applies the --skip-bad policy in one
// place so that every loader reports bad input the same way.

#include <cstdint>
#include <string>
#include <vector>

#include "emomusic/core/error.hpp"
#include "emomusic/data/dataset.hpp"
#include "emomusic/data/loader.hpp"

namespace emomusic::data {

class DatasetBuilder {
 public:
  DatasetBuilder(bool skip_bad, LoadReport* report) : skip_bad_(skip_bad), report_(report) {}

  void reserve(std::size_t rows) {
    pixels_.reserve(rows * kFerSide * kFerSide);
    labels_.reserve(rows);
    splits_.reserve(rows);
  }

  /// Appends a row; `pixels` holds 48×48 bytes.
  void add(const std::uint8_t* pixels, int label, const std::string& split);

  /// Throws InputError(message) in strict mode; records it and returns in --skip-bad mode.
  void bad(const std::string& message);

  FaceDataset finish(std::string source);

 private:
  bool skip_bad_;
  LoadReport* report_;
  std::vector<std::uint8_t> pixels_;
  std::vector<std::int64_t> labels_;
  std::vector<std::uint8_t> splits_;
  std::vector<std::string> split_names_;
  std::int64_t skipped_ = 0;
};

}  // namespace emomusic::data
