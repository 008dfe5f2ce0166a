// The whole pipeline on labelled photos: the labels file, a batch that goes on past bad photos,
// and the metrics of what was found.
#include "emomusic/session/photo_evaluation.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <opencv2/imgcodecs.hpp>

#include "../vision/tiny_model.hpp"
#include "emomusic/core/error.hpp"
#include "test_support.hpp"

namespace emomusic::session {
namespace {

namespace fs = std::filesystem;
using emomusic::test::TempDir;

// The InputError message of reading `text` as a labels file; fails the test otherwise.
std::string labels_error(const TempDir& dir, const std::string& text) {
  test::write_file(dir / "labels.csv", text);
  try {
    read_labelled_photos(dir / "labels.csv");
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << text;
  return {};
}

TEST(LabelledPhotos, ReadsNamesDigitsHeaderBomAndCrlf) {
  TempDir dir;
  test::write_file(
      dir / "labels.csv",
      "\xEF\xBB\xBFpath,label\r\na/x.jpg,happy\r\n\r\nb,c.png , 5\r\n/abs/y.jpg,Sad\n");
  const auto photos = read_labelled_photos(dir / "labels.csv");
  ASSERT_EQ(photos.size(), 3u);
  EXPECT_EQ(photos[0].path, dir / "a/x.jpg");
  EXPECT_EQ(photos[0].label, Emotion::kHappy);
  EXPECT_EQ(photos[0].line, 2);
  EXPECT_EQ(photos[1].path, dir / "b,c.png");  // the label is after the last comma
  EXPECT_EQ(photos[1].label, Emotion::kSurprise);
  EXPECT_EQ(photos[2].path, fs::path("/abs/y.jpg"));
  EXPECT_EQ(photos[2].label, Emotion::kSad);
}

TEST(LabelledPhotos, BadLinesNameTheFileAndLine) {
  TempDir dir;
  const auto file = (dir / "labels.csv").string();
  EXPECT_NE(labels_error(dir, "path,label\nx.jpg,happy\nx.jpg\n").find(file + ":3: expected"),
            std::string::npos);
  const auto unknown = labels_error(dir, "x.jpg,joyful-ish\n");
  EXPECT_NE(unknown.find(file + ":1: unknown label 'joyful-ish'"), std::string::npos) << unknown;
  EXPECT_NE(labels_error(dir, ",happy\n").find(file + ":1: the photo's path is empty"),
            std::string::npos);
  EXPECT_NE(labels_error(dir, "path,label\n\n").find("lists no photo"), std::string::npos);
  EXPECT_THROW(read_labelled_photos(dir / "missing.csv"), InputError);
}

TEST(PhotoEvaluation, GoesOnPastBadPhotosAndCountsPhotosWithoutAFace) {
  TempDir dir;
  test::write_tiny_model(dir / "m.safetensors");
  cv::imwrite((dir / "grey.png").string(), cv::Mat(120, 160, CV_8UC3, cv::Scalar(90, 90, 90)));
  test::write_file(dir / "broken.jpg", "not an image");
  test::write_file(dir / "labels.csv",
                   "grey.png,happy\nbroken.jpg,sad\nmissing.jpg,fear\ngrey.png,angry\n");
  vision::EmotionPipeline pipeline(vision::FaceDetector({}),
                                   vision::FaceClassifier({{dir / "m.safetensors"}}));
  const auto r = evaluate_photos(pipeline, read_labelled_photos(dir / "labels.csv"));
  EXPECT_EQ(r.photos, 4);
  EXPECT_EQ(r.without_face, 2);
  ASSERT_EQ(r.failures.size(), 2u);
  EXPECT_NE(r.failures[0].find("broken.jpg"), std::string::npos) << r.failures[0];
  EXPECT_NE(r.failures[1].find("missing.jpg"), std::string::npos) << r.failures[1];
  EXPECT_EQ(r.metrics.n, 0);
  EXPECT_EQ(r.outcome(), BatchOutcome::kPartial);
  const auto j = r.to_json();
  EXPECT_EQ(j.at("without_face"), 2);
  EXPECT_EQ(j.at("failures").size(), 2u);
  EXPECT_NE(r.to_text().find("4 photos: a face in 0, none found in 2, 2 could not be read"),
            std::string::npos)
      << r.to_text();
}

TEST(PhotoEvaluation, OutcomeSaysWhetherAnythingWasMeasured) {
  PhotoEvaluation r;
  r.photos = 2;
  r.without_face = 2;
  EXPECT_EQ(r.outcome(), BatchOutcome::kNoneFound);
  r.without_face = 0;
  r.failures = {"a.jpg: missing", "b.jpg: missing"};
  EXPECT_EQ(r.outcome(), BatchOutcome::kAllFailed);
  r.failures.pop_back();
  r.metrics.n = 1;
  EXPECT_EQ(r.outcome(), BatchOutcome::kPartial);
  r.failures.clear();
  EXPECT_EQ(r.outcome(), BatchOutcome::kComplete);
}

TEST(PhotoEvaluation, EveryFoundFaceIsCountedUnderItsLabel) {
  EMOMUSIC_REQUIRE_SHARED(faces, "data/faces/taiwanese-dev");
  TempDir dir;
  test::write_tiny_model(dir / "m.safetensors");
  auto photos = read_labelled_photos(faces / "labels.csv");
  photos.resize(std::min<std::size_t>(photos.size(), 20));
  vision::EmotionPipeline pipeline(vision::FaceDetector({}),
                                   vision::FaceClassifier({{dir / "m.safetensors"}}));
  const auto r = evaluate_photos(pipeline, photos);
  EXPECT_TRUE(r.failures.empty());
  EXPECT_EQ(r.metrics.n + r.without_face, static_cast<std::int64_t>(photos.size()));
  EXPECT_GE(r.metrics.n, 18);
  std::array<std::int64_t, kEmotionCount> listed{};
  for (const auto& p : photos) ++listed[static_cast<std::size_t>(to_index(p.label))];
  // Rows of the confusion matrix are the labels: each row holds the found faces of that label.
  for (int e = 0; e < kEmotionCount; ++e) {
    const auto& row = r.metrics.confusion[static_cast<std::size_t>(e)];
    EXPECT_LE(std::accumulate(row.begin(), row.end(), std::int64_t{0}),
              listed[static_cast<std::size_t>(e)]);
  }
}

}  // namespace
}  // namespace emomusic::session
