#include <gtest/gtest.h>

#include <filesystem>
#include <limits>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <string>

#include "../vision/taiwanese_faces.hpp"
#include "../vision/tiny_model.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/music/mood_history.hpp"
#include "emomusic/session/face_analysis.hpp"
#include "emomusic/session/mood_record.hpp"
#include "emomusic/session/web_server.hpp"
#include "emomusic/vision/image_inputs.hpp"
#include "test_support.hpp"

namespace emomusic::session {
namespace {

namespace fs = std::filesystem;
using emomusic::test::TempDir;

const fs::path kData = fs::path(EMOMUSIC_TEST_SOURCE_DIR) / "data";

vision::FaceEmotion face_of(Emotion e, float p, cv::Rect box = {10, 10, 50, 50}) {
  vision::FaceEmotion f;
  f.box = box;
  f.probabilities.fill((1.0f - p) / (kEmotionCount - 1));
  f.probabilities[static_cast<std::size_t>(to_index(e))] = p;
  return f;
}

// Stability of 0 s: a face settles on its first frame, so no test has to wait a second.
MoodSessions instant_sessions(std::size_t cap) {
  return MoodSessions(cap, vision::TrackerOptions{}, vision::StabilityOptions{0.0, 0.5});
}

TEST(MoodSessions, SettlesAndSaysWhenTheMoodChanged) {
  auto sessions = instant_sessions(4);
  auto first = sessions.update("a", {face_of(Emotion::kHappy, 0.9f)});
  ASSERT_TRUE(first.settled);
  EXPECT_EQ(first.settled->emotion, Emotion::kHappy);
  EXPECT_NEAR(first.settled->confidence, 0.9, 1e-5);
  EXPECT_TRUE(first.settled->changed);
  ASSERT_EQ(first.faces.size(), 1u);
  EXPECT_GE(first.faces[0].track, 0);
  const auto again = sessions.update("a", {face_of(Emotion::kHappy, 0.9f)});
  ASSERT_TRUE(again.settled);
  EXPECT_FALSE(again.settled->changed);  // recorded once, not once a frame
}

TEST(MoodSessions, NoConfidentFaceNoMood) {
  auto sessions = instant_sessions(4);
  EXPECT_FALSE(sessions.update("a", {face_of(Emotion::kSad, 0.3f)}).settled);
  EXPECT_FALSE(sessions.update("b", {}).settled);
}

TEST(MoodSessions, KeepsAtMostTheCapAndDropsTheLeastRecent) {
  auto sessions = instant_sessions(2);
  sessions.update("a", {face_of(Emotion::kHappy, 0.9f)});
  sessions.update("b", {face_of(Emotion::kHappy, 0.9f)});
  sessions.update("a", {face_of(Emotion::kHappy, 0.9f)});
  sessions.update("c", {face_of(Emotion::kHappy, 0.9f)});  // drops b, used least recently
  EXPECT_EQ(sessions.size(), 2u);
  EXPECT_FALSE(sessions.update("a", {face_of(Emotion::kHappy, 0.9f)}).settled->changed);
  EXPECT_TRUE(sessions.update("b", {face_of(Emotion::kHappy, 0.9f)}).settled->changed);
}

TEST(FrameAnalysisJson, DetectsFormPlusConfidence) {
  FrameAnalysis analysis;
  analysis.faces = {face_of(Emotion::kSurprise, 0.7f, {1, 2, 3, 4})};
  const std::string none = dump_json(to_json(analysis));
  EXPECT_NE(none.find("\"settled\":null"), std::string::npos) << none;
  analysis.settled = SettledMood{Emotion::kSurprise, 0.7, true};
  const auto j = to_json(analysis);
  const auto& face = j["faces"][0];
  EXPECT_EQ(face["box"], nlohmann::ordered_json({1, 2, 3, 4}));
  EXPECT_EQ(face["emotion"], "surprise");
  EXPECT_NEAR(face["confidence"].get<double>(), 0.7, 1e-6);
  EXPECT_EQ(face["probabilities"].size(), 7u);
  EXPECT_EQ(j["settled"]["emotion"], "surprise");
  // The documented key order: box, emotion, confidence, probabilities.
  std::vector<std::string> keys;
  for (auto it = face.begin(); it != face.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"box", "emotion", "confidence", "probabilities"}));
}

TEST(FaceAnalyzer, RefusesWhatIsNotAnImage) {
  TempDir dir;
  test::write_tiny_model(dir / "tiny.safetensors");
  FaceAnalyzer analyzer(
      vision::FaceClassifierOptions{{dir / "tiny.safetensors"}, "cpu", nn::Tta::kNone});
  EXPECT_THROW(analyzer.analyse("", "upload"), InputError);
  EXPECT_THROW(analyzer.analyse("GIF89a not really", "upload"), InputError);
  EXPECT_THROW(analyzer.analyse(std::string(kMaxUploadBytes + 1, '\xff'), "upload"), InputError);
  try {
    analyzer.analyse("hello", "the upload");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("the upload"), std::string::npos) << e.what();
  }
  // A real PNG without a face: no faces, no error.
  std::vector<uchar> png;
  cv::imencode(".png", cv::Mat(120, 160, CV_8UC3, cv::Scalar(90, 90, 90)), png);
  EXPECT_TRUE(analyzer.analyse(std::string(png.begin(), png.end()), "grey").empty());
}

std::string jpeg_of(const cv::Mat& image) {
  std::vector<uchar> bytes;
  cv::imencode(".jpg", image, bytes);
  return std::string(bytes.begin(), bytes.end());
}

TEST(MoodSessions, AnalyseSearchesNearTheFollowedFaceBetweenWholeFrameScans) {
  EMOMUSIC_REQUIRE_TAIWANESE(faces);
  const auto photos = test::read_labelled_photos(faces);
  const cv::Mat a = vision::read_image(photos.front().path);
  const cv::Mat b = vision::read_image(photos.back().path);
  TempDir dir;
  test::write_tiny_model(dir / "tiny.safetensors");
  FaceAnalyzer analyzer(
      vision::FaceClassifierOptions{{dir / "tiny.safetensors"}, "cpu", nn::Tta::kNone});
  const int rescan = analyzer.rescan_every();
  ASSERT_GT(rescan, 2);
  MoodSessions sessions(4);
  ASSERT_EQ(
      sessions.analyse("s", analyzer, jpeg_of(test::compose_frame({a}, 0)), "f0").faces.size(), 1u);
  // Someone comes in beside the followed face: between whole-frame scans only the followed face
  // is looked for, as `detect` does; the scan that follows finds both.
  const std::string two = jpeg_of(test::compose_frame({a, b}, 8));
  for (int frame = 1; frame < rescan; ++frame) {
    EXPECT_EQ(sessions.analyse("s", analyzer, two, "f").faces.size(), 1u) << "frame " << frame;
  }
  EXPECT_EQ(sessions.analyse("s", analyzer, two, "f").faces.size(), 2u);
  // Another session has its own schedule: its first frame is a whole-frame scan.
  EXPECT_EQ(sessions.analyse("t", analyzer, two, "f").faces.size(), 2u);
  // Followed faces gone: the next frame searches the whole frame again.
  const std::string empty = jpeg_of(cv::Mat(480, 640, CV_8UC3, cv::Scalar(128, 128, 128)));
  EXPECT_TRUE(sessions.analyse("s", analyzer, empty, "f").faces.empty());
  EXPECT_EQ(sessions.analyse("s", analyzer, jpeg_of(test::compose_frame({b}, 0)), "f").faces.size(),
            1u);
}

// Issue 24: the one step that puts a settled mood into the history, for the page and the
// command line alike.
TEST(RecordSettledMood, KeepsTheMoodWithASafeShortSourceLabel) {
  TempDir dir;
  const auto file = dir / "history.db";
  record_settled_mood(file, Emotion::kHappy, 0.75, "photo.jpg");
  record_settled_mood(file, Emotion::kSad, 1.5, "\x1b[31m" + std::string(300, 'x'));
  record_settled_mood(file, Emotion::kAngry, std::numeric_limits<double>::quiet_NaN(),
                      std::string(300, '\x01'));
  const auto entries = music::MoodHistory(file, music::MoodHistory::Mode::kReadOnly).entries();
  ASSERT_EQ(entries.size(), 3u);
  std::map<Emotion, music::MoodEntry> by_emotion;
  for (const auto& e : entries) by_emotion[e.emotion] = e;
  EXPECT_EQ(by_emotion[Emotion::kHappy].source, "photo.jpg");
  EXPECT_DOUBLE_EQ(by_emotion[Emotion::kHappy].confidence, 0.75);
  EXPECT_NEAR(static_cast<double>(by_emotion[Emotion::kHappy].time),
              static_cast<double>(music::utc_now()), 60);
  EXPECT_DOUBLE_EQ(by_emotion[Emotion::kSad].confidence, 1.0);
  EXPECT_LE(by_emotion[Emotion::kSad].source.size(), music::kMaxSourceBytes);
  EXPECT_EQ(by_emotion[Emotion::kSad].source.find('\x1b'), std::string::npos);
  EXPECT_EQ(by_emotion[Emotion::kSad].source.rfind("\\x1b[31mxxx", 0), 0u);
  EXPECT_DOUBLE_EQ(by_emotion[Emotion::kAngry].confidence, 0.0);
  EXPECT_LE(by_emotion[Emotion::kAngry].source.size(), music::kMaxSourceBytes);
  EXPECT_EQ(by_emotion[Emotion::kAngry].source.rfind("\\x01", 0), 0u);
}

TEST(WebServer, TokenIs32HexAndNewEachTime) {
  const std::string t = random_token();
  EXPECT_EQ(t.size(), 32u);
  EXPECT_EQ(t.find_first_not_of("0123456789abcdef"), std::string::npos) << t;
  EXPECT_NE(t, random_token());
}

}  // namespace
}  // namespace emomusic::session
