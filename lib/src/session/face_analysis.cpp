#include "emomusic/session/face_analysis.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "emomusic/core/error.hpp"
#include "emomusic/vision/detect_run.hpp"
#include "emomusic/vision/image_inputs.hpp"
#include "emomusic/vision/result_writer.hpp"

namespace emomusic::session {

FaceAnalyzer::FaceAnalyzer(const vision::FaceClassifierOptions& classifier)
    : pipeline_(vision::FaceDetector(vision::DetectorOptions{}),
                vision::FaceClassifier(classifier)) {}

std::vector<vision::FaceEmotion> FaceAnalyzer::analyse(const std::string& bytes,
                                                       const std::string& name,
                                                       const std::vector<cv::Rect>& near) {
  if (bytes.size() > kMaxUploadBytes) {
    throw InputError(fmt::format("{} is {} bytes, more than the limit of {} bytes", name,
                                 bytes.size(), kMaxUploadBytes));
  }
  // Decoding is the costly part of an upload that needs no shared state: outside the lock.
  const cv::Mat image = decode(bytes, name);
  std::lock_guard<std::mutex> lock(mutex_);
  return near.empty() ? pipeline_.analyse(image) : pipeline_.analyse_near(image, near);
}

cv::Mat FaceAnalyzer::decode(const std::string& bytes, const std::string& name) {
  // Each decode holds a whole frame of pixels: bound how many run at once, not only their size.
  {
    std::unique_lock<std::mutex> lock(decode_mutex_);
    decode_done_.wait(lock, [this] { return decoding_ < kMaxDecodesAtOnce; });
    ++decoding_;
  }
  struct Release {
    FaceAnalyzer& self;
    ~Release() {
      {
        std::lock_guard<std::mutex> lock(self.decode_mutex_);
        --self.decoding_;
      }
      self.decode_done_.notify_one();
    }
  } release{*this};
  return vision::decode_image(bytes, name, kMaxUploadPixels);
}

int FaceAnalyzer::rescan_every() const {
  return pipeline_.detector().options().rescan_every;
}

nlohmann::ordered_json to_json(const FrameAnalysis& analysis) {
  nlohmann::ordered_json faces = nlohmann::ordered_json::array();
  for (const auto& face : analysis.faces) {
    nlohmann::ordered_json j = vision::to_json(face);
    nlohmann::ordered_json out;
    // "confidence" right after "emotion", so that the object reads in the documented order.
    for (auto it = j.begin(); it != j.end(); ++it) {
      out[it.key()] = it.value();
      if (it.key() == "emotion") {
        out["confidence"] = face.probabilities[static_cast<std::size_t>(to_index(face.emotion()))];
      }
    }
    faces.push_back(out);
  }
  nlohmann::ordered_json settled = nullptr;
  if (analysis.settled) {
    settled = {{"emotion", std::string(to_string(analysis.settled->emotion))},
               {"confidence", analysis.settled->confidence}};
  }
  return {{"faces", faces}, {"settled", settled}};
}

MoodSessions::MoodSessions(std::size_t max_sessions, vision::TrackerOptions tracker,
                           vision::StabilityOptions stability)
    : max_sessions_(std::max<std::size_t>(1, max_sessions)),
      tracker_(tracker),
      stability_(stability) {}

std::size_t MoodSessions::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

MoodSessions::Session& MoodSessions::session(const std::string& id) {
  ++clock_;
  for (auto& [key, s] : sessions_) {
    if (key == id) {
      s->last_used = clock_;
      return *s;
    }
  }
  if (sessions_.size() >= max_sessions_) {
    const auto oldest = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](const auto& a, const auto& b) { return a.second->last_used < b.second->last_used; });
    sessions_.erase(oldest);
  }
  auto s = std::unique_ptr<Session>(new Session{vision::FaceTracker(tracker_, stability_),
                                                std::chrono::steady_clock::now(),
                                                clock_,
                                                std::nullopt,
                                                {},
                                                {}});
  sessions_.emplace_back(id, std::move(s));
  return *sessions_.back().second;
}

FrameAnalysis MoodSessions::update(const std::string& id, std::vector<vision::FaceEmotion> faces) {
  return update(id, std::move(faces), true);
}

FrameAnalysis MoodSessions::analyse(const std::string& id, FaceAnalyzer& analyzer,
                                    const std::string& bytes, const std::string& name) {
  std::vector<cv::Rect> near;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const Session& s = session(id);
    if (!s.rescan.next_is_whole(!s.boxes.empty(), analyzer.rescan_every())) near = s.boxes;
  }
  // Outside the sessions' lock: other sessions' frames go on while this one is analysed.
  auto faces = analyzer.analyse(bytes, name, near);
  return update(id, std::move(faces), near.empty());
}

FrameAnalysis MoodSessions::update(const std::string& id, std::vector<vision::FaceEmotion> faces,
                                   bool whole_frame) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session& s = session(id);
  const double t =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - s.started).count();
  FrameAnalysis out;
  out.faces = s.tracker.update(std::move(faces), t);
  s.rescan.analysed(whole_frame);
  s.boxes.clear();
  for (const auto& f : out.faces) s.boxes.push_back(f.box);
  if (const auto e = s.tracker.stable_emotion(t)) {
    SettledMood mood;
    mood.emotion = *e;
    mood.confidence = vision::settled_confidence(out.faces, *e);
    mood.changed = s.last_settled != *e;
    s.last_settled = *e;
    out.settled = mood;
  }
  return out;
}

}  // namespace emomusic::session
