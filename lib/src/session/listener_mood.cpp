#include "emomusic/session/listener_mood.hpp"

#include <spdlog/spdlog.h>

#include "emomusic/core/error.hpp"
#include "emomusic/vision/detect_run.hpp"
#include "emomusic/vision/emotion_pipeline.hpp"
#include "emomusic/vision/image_inputs.hpp"
#include "emomusic/vision/video_source.hpp"

namespace emomusic::session {

ListenerMood mood_from_photo(const std::filesystem::path& photo,
                             const vision::FaceClassifierOptions& classifier) {
  using namespace vision;
  const cv::Mat image = read_image(photo);
  EmotionPipeline pipeline(FaceDetector(DetectorOptions{}), FaceClassifier(classifier));
  const auto faces = pipeline.analyse(image);
  const std::string name = photo == "-" ? std::string("standard input") : photo.filename().string();
  if (faces.empty()) throw NotFoundError(photo.string() + ": no face found");
  const FaceEmotion& listener = faces.front();
  spdlog::info("{}: {} face(s); the largest looks {}", photo.string(), faces.size(),
               to_string(listener.emotion()));
  return {listener.emotion(), settled_confidence({listener}, listener.emotion()), name,
          static_cast<int>(faces.size())};
}

ListenerMood mood_from_camera(int camera, const vision::FaceClassifierOptions& classifier,
                              double timeout_s, const CancelToken& cancel) {
  using namespace vision;
  VideoSource source = VideoSource::camera(camera);
  EmotionPipeline pipeline(FaceDetector(DetectorOptions{}), FaceClassifier(classifier));
  StreamOptions once;
  once.once = true;
  once.timeout_s = timeout_s;
  once.cancel = cancel;
  const auto summary = analyse_stream(pipeline, source, once, nullptr);
  const std::string name = "camera " + std::to_string(camera);
  spdlog::info("{}: {}", name, to_string(*summary.settled));
  return {*summary.settled, summary.settled_confidence, name, 1};
}

}  // namespace emomusic::session
