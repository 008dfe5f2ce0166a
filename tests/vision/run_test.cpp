// The detect runs end to end: image batches with bad items, and a video assembled from the
// taiwanese-dev photos for tracking, smoothing, --every, --output and --once.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>
#include <sstream>

#include "emomusic/vision/detect_run.hpp"
#include "emomusic/vision/image_inputs.hpp"
#include "taiwanese_faces.hpp"
#include "test_media.hpp"
#include "test_support.hpp"
#include "tiny_model.hpp"

namespace emomusic::vision {
namespace fs = std::filesystem;

namespace {

std::vector<nlohmann::json> parse_jsonl(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

void write_video(const fs::path& path, const std::vector<cv::Mat>& frames, double fps = 10) {
  cv::VideoWriter w(path.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), fps,
                    frames.front().size());
  ASSERT_TRUE(w.isOpened());
  for (const auto& f : frames) w.write(f);
}

// Collects what is written and, once armed, cancels `token` at the next write: as if Ctrl-C
// arrived while the first result was being printed.
class CancellingBuffer : public std::stringbuf {
 public:
  CancelToken token;
  bool armed = false;

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (armed) token.cancel();
    return std::stringbuf::xsputn(s, n);
  }
  int_type overflow(int_type c) override {
    if (armed) token.cancel();
    return std::stringbuf::overflow(c);
  }
};

class RunTest : public ::testing::Test {
 protected:
  void SetUp() override { test::write_tiny_model(dir_ / "m.safetensors"); }

  EmotionPipeline pipeline() {
    return EmotionPipeline(FaceDetector({}), FaceClassifier({{dir_ / "m.safetensors"}}));
  }

  // Frames of one or two performers from taiwanese-dev, drifting right by a pixel a frame.
  // `photos_per_frame(i)` picks the photos for frame i.
  template <typename Pick>
  fs::path photo_video(const std::string& name, int frames, Pick photos_per_frame) {
    std::vector<cv::Mat> v;
    for (int i = 0; i < frames; ++i) v.push_back(test::compose_frame(photos_per_frame(i), i));
    write_video(dir_ / name, v);
    return dir_ / name;
  }

  test::TempDir dir_;
};

std::vector<test::LabelledPhoto> two_performers(const fs::path& dir) {
  const auto photos = test::read_labelled_photos(dir);
  std::vector<test::LabelledPhoto> picked;
  for (const auto& p : photos) {  // first two of distinct performers (first 2 digits of the name)
    if (picked.empty() || picked[0].path.filename().string().substr(0, 2) !=
                              p.path.filename().string().substr(0, 2)) {
      picked.push_back(p);
    }
    if (picked.size() == 2) break;
  }
  return picked;
}

}  // namespace

TEST_F(RunTest, ImageBatchReportsEachBadItemAndGoesOn) {
  test::write_file(dir_ / "empty.jpg", "");
  test::write_file(dir_ / "text.png", "not an image");
  cv::imwrite((dir_ / "blank.png").string(), cv::Mat(120, 160, CV_8UC3, cv::Scalar(90, 90, 90)));
  auto p = pipeline();
  std::ostringstream out;
  ResultWriter writer(out, OutputFormat::kJsonl);
  const auto s = analyse_images(
      p, {dir_ / "missing.jpg", dir_ / "empty.jpg", dir_ / "text.png", dir_ / "blank.png"}, writer);
  EXPECT_EQ(s.items, 4);
  EXPECT_EQ(s.failed, 4);
  EXPECT_EQ(s.no_face, 1);
  EXPECT_EQ(finish_run(s), BatchOutcome::kAllFailed);
  const auto lines = parse_jsonl(out.str());
  ASSERT_EQ(lines.size(), 1u);  // only the decodable image is reported, with no faces
  EXPECT_TRUE(lines[0]["faces"].empty());

  std::ostringstream out2;
  ResultWriter writer2(out2, OutputFormat::kJsonl);
  EXPECT_EQ(finish_run(analyse_images(p, {dir_ / "blank.png"}, writer2)), BatchOutcome::kNoneFound);
}

TEST_F(RunTest, ImageBatchWithAFaceIsPartialAndWritesAnnotatedCopies) {
  EMOMUSIC_REQUIRE_TAIWANESE(faces);
  const auto photo = test::read_labelled_photos(faces).front().path;
  auto p = pipeline();
  std::ostringstream out;
  ResultWriter writer(out, OutputFormat::kJsonl);
  const auto s = analyse_images(p, {photo, dir_ / "missing.jpg"}, writer, dir_ / "annotated");
  EXPECT_EQ(s.failed, 1);
  EXPECT_EQ(finish_run(s), BatchOutcome::kPartial);
  const auto lines = parse_jsonl(out.str());
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_EQ(lines[0]["faces"].size(), 1u);
  EXPECT_EQ(lines[0]["source"], photo.string());
  const auto annotated = cv::imread((dir_ / "annotated" / photo.filename()).string());
  ASSERT_FALSE(annotated.empty());
  EXPECT_GT(cv::norm(annotated, cv::imread(photo.string()), cv::NORM_L1), 0);

  ResultWriter quiet(out, OutputFormat::kJsonl);
  analyse_images(p, {photo}, quiet, dir_ / "one.png");  // one image: --output is the file
  EXPECT_FALSE(cv::imread((dir_ / "one.png").string()).empty());
}

// Images too thin or too small to hold a face (issue 22: a 1500x1 PNG made OpenCV assert and sank
// the batch) have no face, whatever the detector's settings, and the photo beside them is read.
TEST_F(RunTest, ImagesTooThinForAFaceHaveNoneAndTheBatchGoesOn) {
  const std::vector<cv::Size> sizes = {{1500, 1},   {1, 1500},   {1, 1},      {2, 2},
                                       {20, 20000}, {20000, 20}, {100000, 30}};
  std::vector<fs::path> images;
  for (const auto& size : sizes) {
    images.push_back(dir_ /
                     (std::to_string(size.width) + "x" + std::to_string(size.height) + ".png"));
    ASSERT_TRUE(
        cv::imwrite(images.back().string(), cv::Mat(size, CV_8UC3, cv::Scalar(90, 90, 90))));
  }
  DetectorOptions small_faces;
  small_faces.min_face = 8;
  DetectorOptions full_size;
  full_size.detect_width = 0;
  DetectorOptions narrow;
  narrow.detect_width = 16;
  for (const DetectorOptions& d : {DetectorOptions{}, small_faces, full_size, narrow}) {
    EmotionPipeline p(FaceDetector(d), FaceClassifier({{dir_ / "m.safetensors"}}));
    for (const auto& image : images) {
      EXPECT_TRUE(p.analyse(read_image(image)).empty()) << image;
      const cv::Mat gray(cv::imread(image.string(), cv::IMREAD_GRAYSCALE));
      EXPECT_TRUE(p.analyse_near(gray, {cv::Rect(0, 0, 50, 50), cv::Rect(-5, -5, 3, 3)}).empty())
          << image;
    }
  }

  std::vector<fs::path> batch = images;
  const auto faces = test::shared_file("data/faces/taiwanese-dev");
  if (faces) batch.push_back(test::read_labelled_photos(*faces).front().path);
  auto p = pipeline();
  std::ostringstream out;
  ResultWriter writer(out, OutputFormat::kJsonl);
  const auto s = analyse_images(p, batch, writer);
  EXPECT_EQ(s.items, static_cast<int>(batch.size()));
  EXPECT_EQ(s.no_face, static_cast<int>(images.size()));
  const auto lines = parse_jsonl(out.str());
  ASSERT_EQ(lines.size(), batch.size());  // every image reported, the thin ones without faces
  for (std::size_t i = 0; i < images.size(); ++i) EXPECT_TRUE(lines[i]["faces"].empty());
  if (faces) {
    EXPECT_EQ(lines.back()["faces"].size(), 1u);
    EXPECT_EQ(finish_run(s), BatchOutcome::kPartial);
  }
}

TEST_F(RunTest, TwoPeopleAreTrackedApartAndSmoothedEach) {
  EMOMUSIC_REQUIRE_TAIWANESE(faces);
  const auto people = two_performers(faces);
  ASSERT_EQ(people.size(), 2u);
  const cv::Mat a = read_image(people[0].path), b = read_image(people[1].path);
  // The left person changes between two photos (two expressions) every 3 frames, so raw
  // probabilities jump and smoothing has something to do.
  const auto photos = test::read_labelled_photos(faces);
  cv::Mat a2;
  for (const auto& p : photos) {
    if (p.path.filename().string().substr(0, 2) ==
            people[0].path.filename().string().substr(0, 2) &&
        p.label != people[0].label) {
      a2 = read_image(p.path);
      break;
    }
  }
  ASSERT_FALSE(a2.empty());
  const auto video = photo_video("two.avi", 24, [&](int i) {
    return std::vector<cv::Mat>{(i / 3) % 2 ? a2 : a, b};
  });
  auto p = pipeline();
  auto run = [&](int smoothing, int every) {
    auto source = VideoSource::open(video.string());
    StreamOptions o;
    o.tracker.smoothing = smoothing;
    o.every = every;
    o.output = every == 1 && smoothing == 1 ? dir_ / "annotated.avi" : fs::path();
    std::ostringstream out;
    ResultWriter writer(out, OutputFormat::kJsonl);
    const auto s = analyse_stream(p, source, o, &writer);
    EXPECT_EQ(finish_run(s), BatchOutcome::kComplete);
    return parse_jsonl(out.str());
  };
  const auto raw = run(1, 1);
  const auto smooth = run(5, 1);
  ASSERT_EQ(raw.size(), 24u);
  ASSERT_EQ(smooth.size(), 24u);
  const double alpha = 2.0 / 6.0;
  std::map<int, std::vector<double>> previous;  // track → smoothed probabilities of last frame
  std::map<bool, int> track_of_side;            // left? → track id, taken from frame 0
  for (std::size_t i = 0; i < raw.size(); ++i) {
    ASSERT_EQ(raw[i]["faces"].size(), 2u) << "frame " << i;
    ASSERT_EQ(smooth[i]["faces"].size(), 2u) << "frame " << i;
    if (i == 0) {
      EXPECT_NE(raw[0]["faces"][0]["track"], raw[0]["faces"][1]["track"]);
    }
    for (int k = 0; k < 2; ++k) {
      const auto& r = raw[i]["faces"][k];
      const auto& sm = smooth[i]["faces"][k];
      const bool left = r["box"][0].get<int>() < 300;
      if (i == 0) track_of_side[left] = r["track"];
      EXPECT_EQ(r["track"], track_of_side[left]) << "frame " << i;  // never swapped or renumbered
      ASSERT_EQ(sm["box"], r["box"]);
      std::vector<double> now;
      for (const auto& name : emotion_names()) {
        const double x = r["probabilities"][std::string(name)];
        const double before = i ? previous[sm["track"]][now.size()] : x;
        const double expected = alpha * x + (1 - alpha) * before;
        const double got = sm["probabilities"][std::string(name)];
        EXPECT_NEAR(got, i ? expected : x, 1e-4) << "frame " << i << " " << name;
        now.push_back(got);
      }
      previous[sm["track"]] = now;
    }
  }
  // The annotated video has every frame.
  cv::VideoCapture annotated((dir_ / "annotated.avi").string());
  ASSERT_TRUE(annotated.isOpened());
  EXPECT_EQ(annotated.get(cv::CAP_PROP_FRAME_COUNT), 24);
  // --every 3 analyses frames 0, 3, 6, …
  const auto every = run(5, 3);
  ASSERT_EQ(every.size(), 8u);
  for (std::size_t i = 0; i < every.size(); ++i) EXPECT_EQ(every[i]["frame"], 3 * i);
}

TEST_F(RunTest, OnceSettlesOnTheSteadyFace) {
  EMOMUSIC_REQUIRE_TAIWANESE(faces);
  const cv::Mat photo = read_image(test::read_labelled_photos(faces).front().path);
  const auto video = photo_video("one.avi", 30, [&](int) { return std::vector<cv::Mat>{photo}; });
  auto p = pipeline();
  // What the (untrained) model says about this face when the video starts.
  const auto expected = p.analyse(test::compose_frame({photo}, 0)).at(0).emotion();
  StreamOptions o;
  o.once = true;
  o.stability = {1.0, 0.0};
  auto source = VideoSource::open(video.string());
  const auto s = analyse_stream(p, source, o, nullptr);
  ASSERT_TRUE(s.settled);
  EXPECT_EQ(*s.settled, expected);
  EXPECT_EQ(s.frames, 11);  // frames 0..10 at 10 fps: stable for 1 s at frame 10

  // Never confident enough: the untrained model's smoothed probability stays far below 1 (above 1
  // is out of range and refused).
  o.stability = {1.0, 1.0};
  auto again = VideoSource::open(video.string());
  try {
    analyse_stream(p, again, o, nullptr);
    ADD_FAILURE() << "expected NotFoundError";
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("stayed the same"), std::string::npos) << e.what();
  }
}

TEST_F(RunTest, OnceGivesUpWhenNoFaceAppears) {
  write_video(dir_ / "blank.avi",
              std::vector<cv::Mat>(30, cv::Mat(240, 320, CV_8UC3, cv::Scalar(60, 60, 60))));
  auto p = pipeline();
  StreamOptions o;
  o.once = true;
  o.timeout_s = 1.0;
  auto source = VideoSource::open((dir_ / "blank.avi").string());
  try {
    analyse_stream(p, source, o, nullptr);
    ADD_FAILURE() << "expected NotFoundError";
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("no face appeared within 1 s"), std::string::npos)
        << e.what();
  }
  // Without --once a video with no face at all ends with kNotFound.
  auto again = VideoSource::open((dir_ / "blank.avi").string());
  std::ostringstream out;
  ResultWriter writer(out, OutputFormat::kCsv);
  EXPECT_EQ(finish_run(analyse_stream(p, again, {}, &writer)), BatchOutcome::kNoneFound);
}

TEST_F(RunTest, TheFrontEndSeesEachAnnotatedFrameAndCanStopTheStream) {
  write_video(dir_ / "blank.avi",
              std::vector<cv::Mat>(20, cv::Mat(120, 160, CV_8UC3, cv::Scalar(60, 60, 60))));
  auto p = pipeline();
  auto source = VideoSource::open((dir_ / "blank.avi").string());
  std::ostringstream out;
  ResultWriter writer(out, OutputFormat::kJsonl);
  StreamOptions o;
  std::vector<cv::Size> seen;
  o.on_frame = [&](const cv::Mat& annotated) {
    seen.push_back(annotated.size());
    return seen.size() < 4;  // the user closed the window at the 4th frame
  };
  const auto summary = analyse_stream(p, source, o, &writer);
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0], cv::Size(160, 120));
  EXPECT_EQ(summary.frames, 4);
  EXPECT_FALSE(summary.interrupted);
  EXPECT_EQ(parse_jsonl(out.str()).size(), 4u);
}

TEST_F(RunTest, InterruptedStreamFinishesItsOutput) {
  write_video(dir_ / "blank.avi",
              std::vector<cv::Mat>(30, cv::Mat(120, 160, CV_8UC3, cv::Scalar(60, 60, 60))));
  auto p = pipeline();
  auto source = VideoSource::open((dir_ / "blank.avi").string());
  CancellingBuffer buffer;
  std::ostream out(&buffer);
  ResultWriter writer(out, OutputFormat::kJson);
  buffer.armed = true;
  StreamOptions o;
  o.output = dir_ / "annotated.avi";
  o.cancel = buffer.token;
  const auto summary = analyse_stream(p, source, o, &writer);
  EXPECT_TRUE(summary.interrupted);
  EXPECT_EQ(summary.frames, 1);
  // The JSON array is closed, and the annotated video is committed under its name.
  const auto json = nlohmann::json::parse(buffer.str());
  ASSERT_TRUE(json.is_array());
  EXPECT_EQ(json.size(), 1u);
  cv::VideoCapture annotated((dir_ / "annotated.avi").string());
  ASSERT_TRUE(annotated.isOpened());
  EXPECT_EQ(annotated.get(cv::CAP_PROP_FRAME_COUNT), 1);
  for (const auto& e : fs::directory_iterator(dir_.path())) {
    EXPECT_EQ(e.path().string().find(".partial"), std::string::npos) << e.path();
  }
  EXPECT_EQ(finish_run(summary), BatchOutcome::kInterrupted);

  // While that token stays cancelled, a stream with a token of its own reads every frame.
  auto whole = VideoSource::open((dir_ / "blank.avi").string());
  std::ostringstream all;
  ResultWriter all_writer(all, OutputFormat::kJsonl);
  const auto untouched = analyse_stream(p, whole, {}, &all_writer);
  EXPECT_FALSE(untouched.interrupted);
  EXPECT_EQ(untouched.frames, 30);

  // With --once, a cancel before an emotion settles is an InterruptedError.
  auto again = VideoSource::open((dir_ / "blank.avi").string());
  StreamOptions once;
  once.once = true;
  once.cancel.cancel();
  EXPECT_THROW(analyse_stream(p, again, once, nullptr), InterruptedError);
}

TEST_F(RunTest, InterruptedImageBatchStopsAfterTheCurrentImage) {
  std::vector<fs::path> images;
  for (int i = 0; i < 3; ++i) {
    images.push_back(dir_ / ("blank" + std::to_string(i) + ".png"));
    cv::imwrite(images.back().string(), cv::Mat(64, 64, CV_8UC1, cv::Scalar(90)));
  }
  auto p = pipeline();
  CancellingBuffer buffer;
  std::ostream out(&buffer);
  ResultWriter writer(out, OutputFormat::kJson);
  buffer.armed = true;
  const auto summary = analyse_images(p, images, writer, {}, buffer.token);
  EXPECT_TRUE(summary.interrupted);
  EXPECT_EQ(summary.items, 1);
  EXPECT_EQ(nlohmann::json::parse(buffer.str()).size(), 1u);
  EXPECT_EQ(finish_run(summary), BatchOutcome::kInterrupted);
}

// `detect --image x.png --output x.png` replaced the photo with its annotated copy; so did a link
// to it, or an output folder holding the inputs.
TEST_F(RunTest, AnOutputThatIsAnInputIsRefusedBeforeAnythingIsWritten) {
  const cv::Mat grey(64, 64, CV_8UC3, cv::Scalar(90, 90, 90));
  cv::imwrite((dir_ / "in.png").string(), grey);
  cv::imwrite((dir_ / "other.png").string(), grey);
  const std::string original = test::read_file(dir_ / "in.png");
  fs::create_symlink(dir_ / "in.png", dir_ / "sym.png");
  fs::create_hard_link(dir_ / "in.png", dir_ / "hard.png");
  fs::create_directories(dir_ / "sub");
  auto p = pipeline();
  const auto refused = [&](const std::vector<fs::path>& images, const fs::path& output) {
    std::ostringstream out;
    ResultWriter writer(out, OutputFormat::kJsonl);
    try {
      analyse_images(p, images, writer, output);
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(output.string()), std::string::npos) << e.what();
      return true;
    }
    return false;
  };
  EXPECT_TRUE(refused({dir_ / "in.png"}, dir_ / "in.png"));
  EXPECT_TRUE(refused({dir_ / "in.png"}, dir_ / "sub" / ".." / "in.png"));
  EXPECT_TRUE(refused({dir_ / "in.png"}, dir_ / "sym.png"));
  EXPECT_TRUE(refused({dir_ / "in.png"}, dir_ / "hard.png"));
  EXPECT_TRUE(refused({dir_ / "sym.png"}, dir_ / "in.png"));
  EXPECT_TRUE(refused({dir_ / "other.png", dir_ / "in.png"}, dir_ / "in.png"));  // as a folder
  EXPECT_TRUE(refused({dir_ / "other.png", dir_ / "in.png"}, dir_.path()));      // holds the inputs
  EXPECT_EQ(test::read_file(dir_ / "in.png"), original);
  EXPECT_FALSE(fs::exists(dir_ / "in.png" / "other.png"));
  EXPECT_FALSE(refused({dir_ / "in.png"}, dir_ / "marked.png"));
  EXPECT_FALSE(cv::imread((dir_ / "marked.png").string()).empty());

  // The same for a video and its annotated copy.
  write_video(dir_ / "clip.avi", std::vector<cv::Mat>(3, grey));
  const std::string video = test::read_file(dir_ / "clip.avi");
  fs::create_hard_link(dir_ / "clip.avi", dir_ / "clip-link.avi");
  for (const char* output : {"clip.avi", "clip-link.avi"}) {
    auto source = VideoSource::open((dir_ / "clip.avi").string());
    StreamOptions o;
    o.output = dir_ / output;
    std::ostringstream out;
    ResultWriter writer(out, OutputFormat::kJsonl);
    EXPECT_THROW(analyse_stream(p, source, o, &writer), InputError) << output;
    EXPECT_EQ(test::read_file(dir_ / "clip.avi"), video);
  }
}

// a/x.png and b/x.png both went to OUT/x.png: the second replaced the first.
TEST_F(RunTest, ImagesWithTheSameNameGetDistinctAnnotatedCopies) {
  std::vector<fs::path> images;
  for (const char* name : {"a/x.png", "b/x.png", "c/x-2.png", "x"}) {
    images.push_back(dir_ / name);
    fs::create_directories(images.back().parent_path());
    cv::imwrite(images.back().string() + (images.back().has_extension() ? "" : ".png"),
                cv::Mat(32, 32, CV_8UC3, cv::Scalar(10 * images.size(), 0, 0)));
  }
  images.back() = dir_ / "x.png";
  images.push_back("-");
  images.push_back(dir_ / "d" / "x.pgm");  // OpenCV writes no colour .pgm
  const fs::path out = dir_ / "out";
  EXPECT_EQ(annotated_image_paths(images, out),
            (std::vector<fs::path>{out / "x.png", out / "x-2.png", out / "x-2-2.png",
                                   out / "x-3.png", out / "stdin.png", out / "x-4.png"}));
  EXPECT_THROW(annotated_image_paths({dir_ / "x.png"}, dir_ / "marked.pgm"), UsageError);
  images.pop_back();
  images.pop_back();
  auto p = pipeline();
  std::ostringstream sink;
  ResultWriter writer(sink, OutputFormat::kJsonl);
  analyse_images(p, images, writer, out);
  for (std::size_t i = 0; i < images.size(); ++i) {
    const auto copy = cv::imread(annotated_image_paths(images, out)[i].string());
    ASSERT_FALSE(copy.empty()) << i;
    EXPECT_EQ(copy.at<cv::Vec3b>(16, 16), cv::imread(images[i].string()).at<cv::Vec3b>(16, 16));
  }
}

// Bad frames in the middle ended the video with exit 0 and "0 failed"; now they are skipped,
// reported and make the run partial (exit 5).
TEST_F(RunTest, UndecodableFramesAreSkippedCountedAndMakeTheRunPartial) {
  test::write_video_with_bad_frames(dir_ / "holes.avi", 10, {3, 4, 7});
  auto p = pipeline();
  auto source = VideoSource::open((dir_ / "holes.avi").string());
  std::ostringstream out;
  ResultWriter writer(out, OutputFormat::kJsonl);
  const auto s = analyse_stream(p, source, {}, &writer);
  EXPECT_EQ(s.frames, 7);
  EXPECT_EQ(s.bad_frames, 3);
  const auto lines = parse_jsonl(out.str());
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines.back()["frame"], 9);
  // No face in this video either, so it ends as "nothing found"; a run that found faces and
  // skipped frames is partial.
  EXPECT_EQ(finish_run(s), BatchOutcome::kNoneFound);
  DetectSummary found = s;
  found.failed = found.no_face = 0;
  EXPECT_EQ(finish_run(found), BatchOutcome::kPartial);
  found.bad_frames = 0;
  EXPECT_EQ(finish_run(found), BatchOutcome::kComplete);

  // Nothing decodable at all is a bad input, not a video without faces.
  test::write_video_with_bad_frames(dir_ / "none.avi", 3, {0, 1, 2});
  auto none = VideoSource::open((dir_ / "none.avi").string());
  EXPECT_THROW(analyse_stream(p, none, {}, &writer), InputError);
}

// A file name with a byte that is not UTF-8 aborted --format json (nlohmann type_error 316)
// after the images before it.
TEST_F(RunTest, NonUtf8FileNameKeepsTheJsonValidAndTheOtherImagesReported) {
  const cv::Mat grey(64, 64, CV_8UC3, cv::Scalar(90, 90, 90));
  const fs::path odd = dir_ / "caf\xe9\xff.png";
  cv::imwrite(odd.string(), grey);
  cv::imwrite((dir_ / "plain.png").string(), grey);
  auto p = pipeline();
  std::ostringstream out;
  ResultWriter writer(out, OutputFormat::kJson);
  const auto s = analyse_images(p, {odd, dir_ / "plain.png"}, writer);
  EXPECT_EQ(s.items, 2);
  const auto json = nlohmann::json::parse(out.str());
  ASSERT_EQ(json.size(), 2u);
  EXPECT_NE(json[0]["source"].get<std::string>().find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_EQ(json[1]["source"], (dir_ / "plain.png").string());
}

}  // namespace emomusic::vision
