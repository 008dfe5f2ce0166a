#pragma once
// The optional ../shared/data/faces/taiwanese-dev photographs (labels.csv: path,label).

#include <filesystem>
#include <opencv2/core.hpp>
#include <vector>

#include "emomusic/core/emotion.hpp"

namespace emomusic::test {

struct LabelledPhoto {
  std::filesystem::path path;
  Emotion label;
};

/// The photos listed in `dir`/labels.csv.
std::vector<LabelledPhoto> read_labelled_photos(const std::filesystem::path& dir);

/// A 640×480 BGR frame with `photos` pasted side by side on a grey background, each shifted by
/// `shift` pixels to the right (to make faces move between frames).
cv::Mat compose_frame(const std::vector<cv::Mat>& photos, int shift);

}  // namespace emomusic::test

#define EMOMUSIC_REQUIRE_TAIWANESE(var) EMOMUSIC_REQUIRE_SHARED(var, "data/faces/taiwanese-dev")
