#include "emomusic/vision/face_classifier.hpp"

#include <stdexcept>

#include "emomusic/core/error.hpp"
#include "emomusic/nn/classifier.hpp"

namespace emomusic::vision {

struct FaceClassifier::Impl {
  std::unique_ptr<nn::EmotionClassifier> classifier;
  std::array<int, kEmotionCount> column{};  // model output column of each core emotion
};

FaceClassifier::FaceClassifier(const FaceClassifierOptions& options)
    : impl_(std::make_unique<Impl>()) {
  nn::ClassifierOptions o;
  o.models = options.models;
  o.device = options.device;
  o.tta = nn::parse_tta(options.tta);
  impl_->classifier = nn::make_classifier(o);
  // Map by name, so a model that lists the classes in another order still reports them right.
  const auto& classes = impl_->classifier->spec().classes;
  const std::string source = nn::describe_models(options.models);
  if (classes.size() != static_cast<std::size_t>(kEmotionCount)) {
    throw ModelError(source + " has " + std::to_string(classes.size()) +
                     " classes; emotion detection needs the 7 FER2013 emotions");
  }
  impl_->column.fill(-1);
  for (std::size_t i = 0; i < classes.size(); ++i) {
    const auto e = parse_emotion(classes[i]);
    if (!e) throw ModelError(source + ": class '" + classes[i] + "' is not one of the 7 emotions");
    impl_->column[to_index(*e)] = static_cast<int>(i);
  }
  for (int e = 0; e < kEmotionCount; ++e) {
    if (impl_->column[e] < 0) {
      throw ModelError(source + " has no class '" + std::string(emotion_names()[e]) + "'");
    }
  }
}

FaceClassifier::~FaceClassifier() = default;
FaceClassifier::FaceClassifier(FaceClassifier&&) noexcept = default;
FaceClassifier& FaceClassifier::operator=(FaceClassifier&&) noexcept = default;

int FaceClassifier::input_size() const {
  return impl_->classifier->input_size();
}

std::vector<EmotionProbabilities> FaceClassifier::classify(const std::vector<cv::Mat>& faces) {
  if (faces.empty()) return {};
  const int s = input_size();
  const auto n = static_cast<int64_t>(faces.size());
  auto batch = torch::empty({n, s, s}, torch::kUInt8);
  for (int64_t i = 0; i < n; ++i) {
    const cv::Mat& f = faces[i];
    if (f.type() != CV_8UC1 || f.rows != s || f.cols != s) {
      throw std::invalid_argument("face crops must be 8-bit grayscale " + std::to_string(s) + "x" +
                                  std::to_string(s));
    }
    // from_blob views the crop's rows (which may be strided); copy_ packs them into the batch.
    batch[i].copy_(torch::from_blob(const_cast<uchar*>(f.data), {s, s},
                                    {static_cast<int64_t>(f.step[0]), 1}, torch::kUInt8));
  }
  const auto probs = impl_->classifier->predict(batch).contiguous();
  const auto rows = probs.accessor<float, 2>();
  std::vector<EmotionProbabilities> out(faces.size());
  for (int64_t i = 0; i < n; ++i) {
    for (int e = 0; e < kEmotionCount; ++e) out[i][e] = rows[i][impl_->column[e]];
  }
  return out;
}

}  // namespace emomusic::vision
