#include "emomusic/nn/classifier.hpp"

#include <algorithm>

#include "emomusic/core/error.hpp"
#include "emomusic/core/paths.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/nn/model_file.hpp"
#include "emomusic/nn/preprocess.hpp"

namespace emomusic::nn {

torch::Tensor tta_log_probabilities(EmotionNetImpl& net, const torch::Tensor& x, Tta tta) {
  if (tta == Tta::kNone) return torch::log_softmax(net.forward(x), 1);
  std::vector<torch::Tensor> views;
  if (tta == Tta::kFlip) {
    views = {x, x.flip({3})};
  } else {
    // Crops of 11/12 of the side (44 of 48 pixels): shifts of ±2 pixels, the range the training
    // augmentation covers, so every view is one the network has seen.
    const int64_t s = x.size(3);
    const int64_t c = s * 11 / 12;
    const int64_t o = s - c;
    const std::pair<int64_t, int64_t> corners[] = {{0, 0}, {0, o}, {o, 0}, {o, o}, {o / 2, o / 2}};
    for (const auto& [top, left] : corners) {
      auto crop = x.narrow(2, top, c).narrow(3, left, c);
      auto view = torch::upsample_bilinear2d(crop, {s, s}, /*align_corners=*/false);
      views.push_back(view);
      views.push_back(view.flip({3}));
    }
  }
  const int64_t n = x.size(0);
  const auto logits = net.forward(torch::cat(views, 0));
  const auto probs = torch::softmax(logits, 1).view({static_cast<int64_t>(views.size()), n, -1});
  return torch::log(probs.mean(0));
}

torch::Tensor adjust_for_prior(const torch::Tensor& probabilities,
                               const std::vector<double>& frequencies, double power) {
  if (power == 0) return probabilities;
  const auto weights =
      torch::tensor(frequencies, torch::kDouble).pow(-power).to(probabilities.scalar_type());
  const auto adjusted = probabilities * weights.to(probabilities.device());
  return adjusted / adjusted.sum(1, /*keepdim=*/true);
}

namespace {

class TorchClassifier : public EmotionClassifier {
 public:
  explicit TorchClassifier(const ClassifierOptions& options)
      : device_(parse_device(options.device)),
        tta_(options.tta),
        prior_power_(options.prior_power) {
    check_prior_power(prior_power_);
    const auto paths = options.models.empty() ? std::vector{default_model_path()} : options.models;
    for (const auto& path : paths) {
      auto model = load_model(path, device_);
      if (options.fold_batchnorm) model.net->fold_batchnorm();
      if (!members_.empty()) check_compatible(model.spec, path, paths.front());
      if (prior_power_ != 0) add_frequencies(model, path);
      members_.push_back(std::move(model));
    }
    for (auto& f : frequencies_) f /= static_cast<double>(paths.size());
  }

  torch::Tensor predict(const torch::Tensor& faces_u8) override {
    c10::InferenceMode guard;
    torch::Tensor sum;
    for (auto& m : members_) {
      const auto x = normalize_faces(faces_u8, m.spec.input, device_);
      const auto p = tta_log_probabilities(*m.net, x, tta_).exp();
      sum = sum.defined() ? sum + p : p;
    }
    const auto mean = (sum / static_cast<double>(members_.size())).to(torch::kCPU);
    return adjust_for_prior(mean, frequencies_, prior_power_);
  }

  const ModelSpec& spec() const override { return members_.front().spec; }

 private:
  void check_compatible(const ModelSpec& s, const std::filesystem::path& path,
                        const std::filesystem::path& first) const {
    const auto& f = spec();
    if (s.input.size != f.input.size) {
      throw ModelError(path.string() + ": input size " + std::to_string(s.input.size) +
                       " differs from " + std::to_string(f.input.size) + " of " + first.string() +
                       "; ensemble members must take the same faces");
    }
    if (s.classes != f.classes) {
      throw ModelError(path.string() + ": classes differ from those of " + first.string() +
                       "; ensemble members must list the same classes in the same order");
    }
  }

  // Sums the member's training frequencies into frequencies_ (divided by the count at the end).
  void add_frequencies(const LoadedModel& model, const std::filesystem::path& path) {
    const auto f = training_class_frequencies(model.spec.classes, model.training, path.string());
    if (frequencies_.empty()) frequencies_.assign(f.size(), 0.0);
    for (std::size_t i = 0; i < f.size(); ++i) frequencies_[i] += f[i];
  }

  torch::Device device_;
  Tta tta_;
  double prior_power_;
  std::vector<double> frequencies_;  // per output column; empty when prior_power_ is 0
  std::vector<LoadedModel> members_;
};

}  // namespace

std::unique_ptr<EmotionClassifier> make_classifier(const ClassifierOptions& options) {
  return std::make_unique<TorchClassifier>(options);
}

std::string describe_models(const std::vector<std::filesystem::path>& models) {
  if (models.empty()) return "the default model";
  std::string out;
  for (const auto& m : models) out += (out.empty() ? "" : " + ") + m.filename().string();
  return out;
}

}  // namespace emomusic::nn
