// Detection rate and accuracy on the real photographs of ../shared/data/faces/taiwanese-dev.
#include <gtest/gtest.h>

#include <array>
#include <iostream>

#include "emomusic/core/paths.hpp"
#include "emomusic/vision/emotion_pipeline.hpp"
#include "emomusic/vision/face_crop.hpp"
#include "emomusic/vision/image_inputs.hpp"
#include "taiwanese_faces.hpp"
#include "test_support.hpp"

namespace emomusic::vision {

namespace {

double detection_rate(const std::vector<test::LabelledPhoto>& photos, DetectorKind kind) {
  DetectorOptions o;
  o.kind = kind;
  FaceDetector detector(o);
  int found = 0;
  for (const auto& p : photos)
    found += detector.detect(to_gray(read_image(p.path))).empty() ? 0 : 1;
  const double rate = static_cast<double>(found) / photos.size();
  std::cout << "[ detect   ] " << to_string(kind) << ": a face in " << found << " of "
            << photos.size() << " photos (" << 100 * rate << "%)\n";
  return rate;
}

}  // namespace

TEST(Taiwanese, HaarFindsAFaceInAtLeast95PercentOfThePhotos) {
  EMOMUSIC_REQUIRE_TAIWANESE(dir);
  const auto photos = test::read_labelled_photos(dir);
  ASSERT_GT(photos.size(), 300u);
  EXPECT_GE(detection_rate(photos, DetectorKind::kHaar), 0.95);
}

TEST(Taiwanese, LbpFindsMostFaces) {
  EMOMUSIC_REQUIRE_TAIWANESE(dir);
  EXPECT_GE(detection_rate(test::read_labelled_photos(dir), DetectorKind::kLbp), 0.85);
}

TEST(Taiwanese, DetectNearFollowsAMovingFaceAndIgnoresNewOnes) {
  EMOMUSIC_REQUIRE_TAIWANESE(dir);
  const auto photos = test::read_labelled_photos(dir);
  const cv::Mat a = read_image(photos.front().path), b = read_image(photos.back().path);
  FaceDetector detector({});
  const auto before = detector.detect(to_gray(test::compose_frame({a}, 0)));
  ASSERT_EQ(before.size(), 1u);
  // The face moved 12 pixels and someone came in beside it: only the followed face is returned,
  // where a whole-frame search puts it.
  const cv::Mat moved = to_gray(test::compose_frame({a, b}, 12));
  const auto full = detector.detect(moved);
  ASSERT_EQ(full.size(), 2u);
  const auto near = detector.detect_near(moved, before);
  ASSERT_EQ(near.size(), 1u);
  const auto same = std::max(intersection_over_union(near[0], full[0]),
                             intersection_over_union(near[0], full[1]));
  EXPECT_GT(same, 0.7);
  EXPECT_GT(near[0].x, before[0].x);
  // Gone: nothing near where it was.
  const cv::Mat empty(480, 640, CV_8UC1, cv::Scalar(128));
  EXPECT_TRUE(detector.detect_near(empty, before).empty());
}

TEST(Taiwanese, PerClassAccuracyOfTheShippedModel) {
  EMOMUSIC_REQUIRE_TAIWANESE(dir);
  const auto model = find_shipped_file("models/emotion.safetensors");
  if (!model) GTEST_SKIP() << "models/emotion.safetensors is not there yet; skipping accuracy";
  EmotionPipeline pipeline(FaceDetector({}), FaceClassifier({{*model}}));
  std::array<int, kEmotionCount> total{}, right{};
  int no_face = 0;
  for (const auto& p : test::read_labelled_photos(dir)) {
    const auto faces = pipeline.analyse(read_image(p.path));
    if (faces.empty()) {
      ++no_face;
      continue;
    }
    ++total[to_index(p.label)];
    right[to_index(p.label)] += faces.front().emotion() == p.label ? 1 : 0;  // largest face
  }
  int all = 0, all_right = 0;
  for (int e = 0; e < kEmotionCount; ++e) {
    std::cout << "[ accuracy ] " << emotion_names()[e] << ": " << right[e] << "/" << total[e]
              << " (" << (total[e] ? 100.0 * right[e] / total[e] : 0.0) << "%)\n";
    all += total[e];
    all_right += right[e];
  }
  const double accuracy = static_cast<double>(all_right) / all;
  std::cout << "[ accuracy ] overall " << 100 * accuracy << "% of " << all << " faces (" << no_face
            << " photos without a detected face)\n";
  EXPECT_GT(accuracy, 2.0 / kEmotionCount);  // well above chance for a trained model
}

}  // namespace emomusic::vision
