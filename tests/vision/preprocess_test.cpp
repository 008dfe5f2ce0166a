// Pins the face preprocessing: colour order, crop framing, resize filter, and the batch handed to
// the network (compared with a forward pass straight through nn).
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "emomusic/core/error.hpp"
#include "emomusic/core/paths.hpp"
#include "emomusic/vision/face_classifier.hpp"
#include "emomusic/vision/face_crop.hpp"
#include "emomusic/vision/option_ranges.hpp"
#include "test_support.hpp"
#include "tiny_model.hpp"

namespace emomusic::vision {

TEST(FaceCrop, GrayscaleTakesOpenCvBgrOrder) {
  // Rec. 601 luma: 0.299 R + 0.587 G + 0.114 B. Blue first in memory is BGR.
  const cv::Mat blue(2, 2, CV_8UC3, cv::Scalar(255, 0, 0));
  const cv::Mat red(2, 2, CV_8UC3, cv::Scalar(0, 0, 255));
  EXPECT_EQ(to_gray(blue).at<uchar>(0, 0), 29);
  EXPECT_EQ(to_gray(red).at<uchar>(0, 0), 76);
  const cv::Mat bgra(2, 2, CV_8UC4, cv::Scalar(255, 0, 0, 255));
  EXPECT_EQ(to_gray(bgra).at<uchar>(1, 1), 29);
  const cv::Mat gray(2, 2, CV_8UC1, cv::Scalar(7));
  EXPECT_EQ(to_gray(gray).at<uchar>(0, 0), 7);
}

// Training equalises faces with torch (nn::equalize_histograms), a camera frame's face is the same
// crop: both must give exactly OpenCV's equalizeHist, the reference users know.
TEST(Equalize, TrainingEqualisationIsOpenCvsEqualizeHist) {
  cv::RNG rng(21);
  std::vector<cv::Mat> faces;
  for (const auto& [lo, hi] : std::vector<std::pair<int, int>>{{0, 256}, {90, 140}, {250, 256}}) {
    cv::Mat f(48, 48, CV_8UC1);
    rng.fill(f, cv::RNG::UNIFORM, lo, hi);
    faces.push_back(f);
  }
  cv::Mat two(48, 48, CV_8UC1, cv::Scalar(30));
  two(cv::Rect(0, 0, 10, 48)).setTo(200);
  faces.push_back(two);
  faces.emplace_back(48, 48, CV_8UC1, cv::Scalar(77));  // one grey: OpenCV leaves it as it is
  cv::Mat ramp(37, 53, CV_8UC1);                        // not square, not 48
  for (int y = 0; y < ramp.rows; ++y)
    for (int x = 0; x < ramp.cols; ++x) ramp.at<uchar>(y, x) = static_cast<uchar>((x * y) % 97);
  faces.push_back(ramp);
  for (std::size_t i = 0; i < faces.size(); ++i) {
    cv::Mat expected;
    cv::equalizeHist(faces[i], expected);
    EXPECT_EQ(cv::norm(test::equalize_through_nn(faces[i]), expected, cv::NORM_INF), 0)
        << "face " << i;
  }
}

TEST(FaceCrop, DefaultMarginIsPinned) {
  EXPECT_DOUBLE_EQ(kDefaultFaceMargin, -0.1);
}

TEST(FaceCrop, BoxGrowsByTheMarginOnEverySide) {
  EXPECT_EQ(crop_box({100, 50, 100, 100}, 0.1), cv::Rect(90, 40, 120, 120));
  EXPECT_EQ(crop_box({100, 50, 100, 100}, 0.0), cv::Rect(100, 50, 100, 100));
  EXPECT_EQ(crop_box({100, 50, 100, 100}, -0.05), cv::Rect(105, 55, 90, 90));
  // A non-square box becomes the square on its longer side, same centre.
  EXPECT_EQ(crop_box({0, 0, 40, 60}, 0.0), cv::Rect(-10, 0, 60, 60));
}

TEST(FaceCrop, CropsTheMarginedBoxAndShrinksWithAreaAveraging) {
  // 144×144 face box with margin 0: a 3× shrink to 48. A white column at every 3i+1: area
  // averaging gives 255/3 everywhere; bilinear sampling would hit the white columns only.
  cv::Mat gray(300, 300, CV_8UC1, cv::Scalar(0));
  const cv::Rect face(60, 60, 144, 144);
  for (int x = face.x + 1; x < face.br().x; x += 3) gray.col(x).setTo(255);
  const cv::Mat crop = crop_face(gray, face, 0.0, 48);
  ASSERT_EQ(crop.size(), cv::Size(48, 48));
  ASSERT_EQ(crop.type(), CV_8UC1);
  EXPECT_NEAR(cv::mean(crop)[0], 85.0, 0.5);
  double lo = 0, hi = 0;
  cv::minMaxLoc(crop, &lo, &hi);
  EXPECT_NEAR(lo, 85, 1);
  EXPECT_NEAR(hi, 85, 1);
}

TEST(FaceCrop, MarginTakesPixelsAroundTheBox) {
  // Bright inside the box, dark around: with margin 0.25 on a 96-pixel box the crop is 144
  // pixels, of which the middle 96 (32 of 48 after the 3× shrink) are bright.
  cv::Mat gray(400, 400, CV_8UC1, cv::Scalar(0));
  const cv::Rect face(150, 150, 96, 96);
  gray(face).setTo(200);
  const cv::Mat crop = crop_face(gray, face, 0.25, 48);
  EXPECT_EQ(crop.at<uchar>(24, 24), 200);
  EXPECT_EQ(crop.at<uchar>(0, 0), 0);
  EXPECT_EQ(crop.at<uchar>(7, 24), 0);
  EXPECT_EQ(crop.at<uchar>(8, 24), 200);
  EXPECT_EQ(crop.at<uchar>(39, 24), 200);
  EXPECT_EQ(crop.at<uchar>(40, 24), 0);
}

TEST(FaceCrop, BoxLeavingTheFrameRepeatsEdgePixels) {
  // A face at the top-left corner: the part of the square outside the frame repeats the edge,
  // so the face is neither shifted nor stretched.
  cv::Mat gray(100, 100, CV_8UC1, cv::Scalar(0));
  gray.row(0).setTo(50);
  const cv::Mat crop = crop_face(gray, {0, 0, 48, 48}, 0.5, 48);  // 96 square from (-24,-24)
  EXPECT_EQ(crop.at<uchar>(0, 0), 50);                            // repeated corner
  EXPECT_EQ(crop.at<uchar>(11, 30), 50);                          // repeated top row
  EXPECT_EQ(crop.at<uchar>(30, 30), 0);
}

TEST(FaceCrop, EnlargesSmallFaces) {
  const cv::Mat gray(60, 60, CV_8UC1, cv::Scalar(90));
  const cv::Mat crop = crop_face(gray, {10, 10, 30, 30}, 0.0, 48);
  EXPECT_EQ(crop.size(), cv::Size(48, 48));
  EXPECT_EQ(crop.at<uchar>(47, 47), 90);
}

class FaceClassifierTest : public ::testing::Test {
 protected:
  void SetUp() override { test::write_tiny_model(dir_ / "m.safetensors"); }

  std::vector<cv::Mat> random_crops(int n) {
    std::vector<cv::Mat> crops;
    cv::RNG rng(3);
    for (int i = 0; i < n; ++i) {
      cv::Mat c(48, 48, CV_8UC1);
      rng.fill(c, cv::RNG::UNIFORM, 0, 256);
      crops.push_back(c);
    }
    return crops;
  }

  test::TempDir dir_;
};

TEST_F(FaceClassifierTest, BatchMatchesSingleFacesThroughNn) {
  FaceClassifier classifier({{dir_ / "m.safetensors"}});
  EXPECT_EQ(classifier.input_size(), 48);
  auto crops = random_crops(3);
  // A crop that is a view into a larger image (rows with a stride) must be read row by row.
  cv::Mat big(100, 100, CV_8UC1);
  cv::RNG(4).fill(big, cv::RNG::UNIFORM, 0, 256);
  crops.push_back(big(cv::Rect(10, 20, 48, 48)));
  const auto got = classifier.classify(crops);
  std::vector<cv::Mat> packed;
  for (const auto& c : crops) packed.push_back(c.clone());
  const auto expected = test::reference_probabilities(dir_ / "m.safetensors", packed);
  ASSERT_EQ(got.size(), 4u);
  for (std::size_t i = 0; i < got.size(); ++i) {
    float sum = 0;
    for (int e = 0; e < kEmotionCount; ++e) {
      EXPECT_NEAR(got[i][e], expected[i][e], 1e-4) << "face " << i << " class " << e;
      sum += got[i][e];
    }
    EXPECT_NEAR(sum, 1.0f, 1e-4);
  }
  EXPECT_TRUE(classifier.classify({}).empty());
}

TEST_F(FaceClassifierTest, AnEqualizingModelIsFedEqualisedFaces) {
  test::write_tiny_equalizing_model(dir_ / "eq.safetensors");
  // A dim, flat face and the same face with its contrast stretched: no two grey levels merge,
  // so equalised they are one image, and the model must see them so.
  cv::Mat dim(48, 48, CV_8UC1);
  cv::RNG(5).fill(dim, cv::RNG::UNIFORM, 60, 120);
  cv::Mat bright;
  dim.convertTo(bright, CV_8UC1, 2.0, -100);  // 60..119 → 20..138, each level its own
  FaceClassifier equalizing({{dir_ / "eq.safetensors"}});
  const auto eq = equalizing.classify({dim, bright});
  FaceClassifier raw({{dir_ / "m.safetensors"}});
  const auto plain = raw.classify({dim, bright});
  float eq_gap = 0, raw_gap = 0;
  for (int e = 0; e < kEmotionCount; ++e) {
    eq_gap = std::max(eq_gap, std::abs(eq[0][e] - eq[1][e]));
    raw_gap = std::max(raw_gap, std::abs(plain[0][e] - plain[1][e]));
  }
  EXPECT_EQ(eq_gap, 0.0f);
  EXPECT_GT(raw_gap, 1e-4) << "the test's two faces do not differ for a model without it";
}

TEST(DefaultClassifier, PhotosGetTenCropsStreamsNoTtaBothTheShippedModel) {
  if (!find_shipped_file("models/emotion.safetensors") || std::getenv("EMOMUSIC_MODEL")) {
    GTEST_SKIP() << "needs the shipped model and no EMOMUSIC_MODEL";
  }
  const std::vector<std::filesystem::path> shipped{default_model_path()};
  const auto stream = default_classifier_options(InputKind::kStream);
  EXPECT_EQ(stream.models, shipped);
  EXPECT_EQ(stream.tta, nn::Tta::kNone);
  const auto still = default_classifier_options(InputKind::kStill);
  EXPECT_EQ(still.models, shipped);
  EXPECT_EQ(still.tta, nn::Tta::kTenCrop);
  // What the user chose stands.
  const auto chosen =
      default_classifier_options(InputKind::kStill, {"a.safetensors"}, nn::Tta::kFlip);
  EXPECT_EQ(chosen.models, std::vector<std::filesystem::path>{"a.safetensors"});
  EXPECT_EQ(chosen.tta, nn::Tta::kFlip);
}

TEST_F(FaceClassifierTest, ReportsClassesInLabelOrderWhateverTheModelOrder) {
  const std::vector<std::string> reversed = {"neutral", "surprise", "sad",  "happy",
                                             "fear",    "disgust",  "angry"};
  test::write_tiny_model(dir_ / "r.safetensors", reversed);
  FaceClassifier classifier({{dir_ / "r.safetensors"}});
  const auto crops = random_crops(2);
  const auto got = classifier.classify(crops);
  const auto model_order = test::reference_probabilities(dir_ / "r.safetensors", crops);
  for (std::size_t i = 0; i < crops.size(); ++i) {
    for (int c = 0; c < kEmotionCount; ++c) {
      const int e = to_index(emotion_from_string(reversed[c]));
      EXPECT_NEAR(got[i][e], model_order[i][c], 1e-4);
    }
  }
}

TEST_F(FaceClassifierTest, RejectsModelsWithoutTheSevenEmotions) {
  test::write_tiny_model(dir_ / "six.safetensors",
                         {"angry", "disgust", "fear", "happy", "sad", "surprise"});
  EXPECT_THROW(FaceClassifier({{dir_ / "six.safetensors"}}), ModelError);
  test::write_tiny_model(dir_ / "odd.safetensors",
                         {"angry", "disgust", "fear", "happy", "sad", "surprise", "bored"});
  EXPECT_THROW(FaceClassifier({{dir_ / "odd.safetensors"}}), ModelError);
  EXPECT_THROW(FaceClassifier({{dir_ / "missing.safetensors"}}), ModelError);
}

TEST_F(FaceClassifierTest, RejectsCropsOfTheWrongShape) {
  FaceClassifier classifier({{dir_ / "m.safetensors"}});
  EXPECT_THROW(classifier.classify({cv::Mat(40, 40, CV_8UC1, cv::Scalar(0))}),
               std::invalid_argument);
  EXPECT_THROW(classifier.classify({cv::Mat(48, 48, CV_8UC3, cv::Scalar(0))}),
               std::invalid_argument);
}

}  // namespace emomusic::vision
