#pragma once
// The generated faces the training tests learn: 12 of each emotion in Training and in PublicTest,
// written as a FER2013 CSV in `dir` and loaded as train and eval would (no cache, no progress).

#include <filesystem>

#include "emomusic/data/loader.hpp"
#include "fer_fixture.hpp"
#include "test_support.hpp"

namespace emomusic::test {

inline data::FaceDataset synthetic_faces(const std::filesystem::path& dir) {
  write_file(dir / "fer.csv", fer_csv(synthetic_rows(12, {"Training", "PublicTest"})));
  data::LoadOptions lo;
  lo.use_cache = false;
  lo.show_progress = false;
  return data::load_dataset(dir / "fer.csv", lo);
}

}  // namespace emomusic::test
