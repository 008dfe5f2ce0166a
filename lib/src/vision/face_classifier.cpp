#include "emomusic/vision/face_classifier.hpp"

#include <stdexcept>

#include "emomusic/core/error.hpp"
#include "emomusic/core/paths.hpp"
#include "emomusic/nn/classifier.hpp"

namespace emomusic::vision {

FaceClassifierOptions default_classifier_options(InputKind kind,
                                                 std::vector<std::filesystem::path> models,
                                                 std::optional<nn::Tta> tta) {
  const bool still = kind == InputKind::kStill;
  FaceClassifierOptions o;
  o.models = !models.empty() ? std::move(models) : std::vector{default_model_path()};
  o.tta = tta.value_or(still ? kStillImageTta : kStreamTta);
  return o;
}

struct FaceClassifier::Impl {
  std::unique_ptr<nn::EmotionClassifier> classifier;
  std::array<int, kEmotionCount> column{};  // model output column of each core emotion
};

FaceClassifier::FaceClassifier(const FaceClassifierOptions& options)
    : impl_(std::make_unique<Impl>()) {
  nn::ClassifierOptions o;
  o.models = options.models;
  o.device = options.device;
  o.tta = options.tta;
  o.prior_power = options.prior_power;
  impl_->classifier = nn::make_classifier(o);
  // Map by name, so a model that lists the classes in another order still reports them right.
  impl_->column =
      nn::emotion_columns(impl_->classifier->spec().classes, nn::describe_models(options.models));
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
