#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "emomusic/core/error.hpp"
#include "emomusic/vision/annotate.hpp"
#include "emomusic/vision/face_detector.hpp"
#include "emomusic/vision/result_writer.hpp"

namespace emomusic::vision {

namespace {

FrameResult sample() {
  FaceEmotion f;
  f.box = {10, 20, 30, 40};
  f.probabilities = {0.05f, 0.05f, 0.05f, 0.6f, 0.1f, 0.05f, 0.1f};
  f.track = 2;
  return {"cam, left", 7, 0.25, {f}};
}

std::string write_all(OutputFormat format, const std::vector<FrameResult>& results) {
  std::ostringstream out;
  ResultWriter writer(out, format);
  for (const auto& r : results) writer.write(r);
  writer.finish();
  return out.str();
}

}  // namespace

TEST(ResultWriter, FormatNames) {
  EXPECT_EQ(parse_output_format("jsonl"), OutputFormat::kJsonl);
  EXPECT_THROW(parse_output_format("xml"), UsageError);
  // The CLI offers exactly these lists, in the enums' order.
  const auto& formats = output_format_names();
  for (std::size_t i = 0; i < formats.size(); ++i) {
    EXPECT_EQ(parse_output_format(formats[i]), static_cast<OutputFormat>(i)) << formats[i];
  }
  for (const auto& name : detector_names()) EXPECT_EQ(to_string(parse_detector(name)), name);
}

TEST(ResultWriter, JsonlHasSourceFrameTimeAndEveryProbability) {
  const auto text = write_all(OutputFormat::kJsonl, {sample(), {"b.jpg", {}, {}, {}}});
  std::istringstream lines(text);
  std::string line;
  ASSERT_TRUE(std::getline(lines, line));
  EXPECT_EQ(line.rfind(R"({"source":"cam, left","frame":7,"time":0.25,"faces":[{"box":)", 0), 0u)
      << line;  // the documented order, for people reading the stream
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["source"], "cam, left");
  EXPECT_EQ(j["frame"], 7);
  EXPECT_DOUBLE_EQ(j["time"].get<double>(), 0.25);
  const auto& face = j["faces"][0];
  EXPECT_EQ(face["box"], nlohmann::json({10, 20, 30, 40}));
  EXPECT_EQ(face["track"], 2);
  EXPECT_EQ(face["emotion"], "happy");
  ASSERT_EQ(face["probabilities"].size(), 7u);
  EXPECT_FLOAT_EQ(face["probabilities"]["happy"].get<float>(), 0.6f);
  EXPECT_FLOAT_EQ(face["probabilities"]["neutral"].get<float>(), 0.1f);
  ASSERT_TRUE(std::getline(lines, line));
  const auto still = nlohmann::json::parse(line);  // a still image: no frame, no time
  EXPECT_FALSE(still.contains("frame"));
  EXPECT_FALSE(still.contains("time"));
  EXPECT_TRUE(still["faces"].empty());
  EXPECT_FALSE(std::getline(lines, line));
}

TEST(ResultWriter, JsonIsOneArray) {
  const auto j = nlohmann::json::parse(write_all(OutputFormat::kJson, {sample(), sample()}));
  ASSERT_TRUE(j.is_array());
  EXPECT_EQ(j.size(), 2u);
  EXPECT_EQ(j[1]["faces"][0]["emotion"], "happy");
  EXPECT_EQ(nlohmann::json::parse(write_all(OutputFormat::kJson, {})), nlohmann::json::array());
}

TEST(ResultWriter, CsvHasAHeaderAndARowPerFace) {
  const auto text = write_all(OutputFormat::kCsv, {sample()});
  EXPECT_EQ(text,
            "source,frame,time,track,x,y,w,h,emotion,angry,disgust,fear,happy,sad,surprise,"
            "neutral\n"
            "\"cam, left\",7,0.250,2,10,20,30,40,happy,0.0500,0.0500,0.0500,0.6000,0.1000,0.0500,"
            "0.1000\n");
}

TEST(ResultWriter, TextIsALinePerFace) {
  EXPECT_EQ(write_all(OutputFormat::kText, {sample()}),
            "cam, left frame 7 0.25s: #2 [10,20,30,40] happy 60%  (angry 5% disgust 5% fear 5% "
            "happy 60% sad 10% surprise 5% neutral 10%)\n");
}

TEST(Annotate, DrawsBoxLabelAndBars) {
  cv::Mat frame(200, 300, CV_8UC3, cv::Scalar(0, 0, 0));
  const auto r = sample();
  annotate(frame, r.faces, 30.0);
  EXPECT_EQ(frame.at<cv::Vec3b>(20 + 20, 10), cv::Vec3b(80, 220, 80));  // left edge of the box
  EXPECT_GT(cv::countNonZero(frame.reshape(1)), 500);
  cv::Mat untouched(200, 300, CV_8UC3, cv::Scalar(0, 0, 0));
  annotate(untouched, {});
  EXPECT_EQ(cv::countNonZero(untouched.reshape(1)), 0);
}

// A file name that is not UTF-8 (Linux allows any bytes) aborted json/jsonl with nlohmann's
// type_error 316 in the middle of the output.
TEST(ResultWriter, NonUtf8SourceStillGivesValidJson) {
  FrameResult r = sample();
  r.source = "photo\xff.jpg";
  const auto array = nlohmann::json::parse(write_all(OutputFormat::kJson, {r, sample()}));
  ASSERT_EQ(array.size(), 2u);
  EXPECT_EQ(array[0]["source"], "photo\xEF\xBF\xBD.jpg");  // U+FFFD
  EXPECT_EQ(array[1]["source"], "cam, left");
  const auto line = write_all(OutputFormat::kJsonl, {r});
  EXPECT_EQ(nlohmann::json::parse(line)["faces"].size(), 1u);
}

}  // namespace emomusic::vision
