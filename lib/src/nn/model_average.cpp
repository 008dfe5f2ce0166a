#include "emomusic/nn/model_average.hpp"

#include <fmt/format.h>

#include <cmath>
#include <numeric>
#include <string>

#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/nn/class_prior.hpp"

namespace emomusic::nn {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Fine-tunes of one dataset measure its mean and spread anew and agree to float precision
// (about 1e-7); a model trained on other data, or prepared another way, differs by far more.
constexpr double kInputTolerance = 1e-3;

std::vector<double> normalised_weights(std::vector<double> weights, std::size_t models) {
  if (models < 2) {
    throw UsageError("averaging needs at least two models; " + std::to_string(models) + " given");
  }
  if (weights.empty()) weights.assign(models, 1.0);
  if (weights.size() != models) {
    throw UsageError(
        fmt::format("{} weights for {} models; give one weight per model", weights.size(), models));
  }
  for (const double w : weights) {
    // Written so that NaN fails too.
    if (!(w > 0 && std::isfinite(w))) {
      throw UsageError(fmt::format("averaging weight {} is not a positive number", w));
    }
  }
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  // Each finite, yet their sum can overflow, which would turn every weight into 0.
  if (!std::isfinite(sum))
    throw UsageError("the averaging weights add up to more than a double holds");
  for (double& w : weights) w /= sum;
  return weights;
}

bool near(double a, double b) {
  return std::abs(a - b) <= kInputTolerance * std::abs(a);
}

// Whether `other` can be averaged with `first`: the same network, classes and input preparation.
void check_compatible(const ModelSpec& first, const fs::path& first_path, const ModelSpec& other,
                      const fs::path& other_path) {
  const auto refuse = [&](const std::string& what, const std::string& was, const std::string& is) {
    throw ModelError(fmt::format(
        "{}: its {} ({}) differs from {}'s ({}); only models of one "
        "architecture trained on the same data can be averaged",
        other_path.string(), what, excerpt(is, 200), first_path.string(), excerpt(was, 200)));
  };
  if (json(first.arch) != json(other.arch)) {
    refuse("architecture", json(first.arch).dump(), json(other.arch).dump());
  }
  if (first.classes != other.classes) {
    refuse("classes", join_names(first.classes), join_names(other.classes));
  }
  const InputSpec& a = first.input;
  const InputSpec& b = other.input;
  if (a.size != b.size || a.equalize != b.equalize || !near(a.mean, b.mean) ||
      !near(a.std, b.std)) {
    refuse("input", json(a).dump(), json(b).dump());
  }
}

// The training class counts a model file records; null when it records none.
json class_counts_of(const json& training) {
  return training.is_object() ? training.value(kClassCountsKey, json()) : json();
}

// What is averaged, in the network's order: the parameters and the floating-point buffers (batch
// norm's running statistics, not its integer step counter). Networks of one architecture list them
// in the same order.
std::vector<torch::Tensor> averaged_tensors(EmotionNet& net) {
  std::vector<torch::Tensor> tensors = net->parameters();
  for (const auto& b : net->buffers()) {
    if (b.is_floating_point()) tensors.push_back(b);
  }
  return tensors;
}

// One entry of the training summary's kAveragedFromKey list.
json ingredient(const fs::path& path, double weight, const json& training) {
  return {{"file", path.filename().string()}, {"weight", weight}, {"training", training}};
}

}  // namespace

LoadedModel average_models(const std::vector<fs::path>& models, std::vector<double> weights) {
  weights = normalised_weights(std::move(weights), models.size());
  // The first model holds the sums; its spec stays the reference the others are checked against
  // until the averaged input normalisation replaces it at the end.
  LoadedModel mean = load_model(models.front());
  const json first_counts = class_counts_of(mean.training);
  bool same_counts = !first_counts.is_null();
  json ingredients = json::array({ingredient(models.front(), weights.front(), mean.training)});
  double input_mean = weights.front() * mean.spec.input.mean;
  double input_std = weights.front() * mean.spec.input.std;

  torch::NoGradGuard no_grad;
  const auto sums = averaged_tensors(mean.net);
  for (const auto& t : sums) t.mul_(weights.front());
  for (std::size_t i = 1; i < models.size(); ++i) {
    LoadedModel other = load_model(models[i]);
    check_compatible(mean.spec, models.front(), other.spec, models[i]);
    const auto terms = averaged_tensors(other.net);
    for (std::size_t k = 0; k < sums.size(); ++k) sums[k].add_(terms[k], weights[i]);
    input_mean += weights[i] * other.spec.input.mean;
    input_std += weights[i] * other.spec.input.std;
    ingredients.push_back(ingredient(models[i], weights[i], other.training));
    same_counts = same_counts && class_counts_of(other.training) == first_counts;
  }

  mean.spec.input.mean = input_mean;
  mean.spec.input.std = input_std;
  mean.training = json::object();
  mean.training[kAveragedFromKey] = std::move(ingredients);
  if (same_counts) mean.training[kClassCountsKey] = first_counts;
  mean.training["parameters"] = count_parameters(*mean.net);
  return mean;
}

}  // namespace emomusic::nn
