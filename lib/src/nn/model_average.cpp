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

}  // namespace

LoadedModel average_models(const std::vector<fs::path>& models, std::vector<double> weights) {
  weights = normalised_weights(std::move(weights), models.size());
  LoadedModel mean = load_model(models.front());
  json ingredients = json::array();
  const auto record = [&](const fs::path& path, double weight, const json& training) {
    ingredients.push_back(
        {{"file", path.filename().string()}, {"weight", weight}, {"training", training}});
  };
  record(models.front(), weights.front(), mean.training);
  const ModelSpec first_spec = mean.spec;
  const json first_counts = class_counts_of(mean.training);
  bool same_counts = !first_counts.is_null();

  torch::NoGradGuard no_grad;
  auto parameters = mean.net->named_parameters();
  auto buffers = mean.net->named_buffers();
  for (auto& p : parameters) p.value().mul_(weights.front());
  for (auto& b : buffers) {
    if (b.value().is_floating_point()) b.value().mul_(weights.front());
  }
  mean.spec.input.mean *= weights.front();
  mean.spec.input.std *= weights.front();
  for (std::size_t i = 1; i < models.size(); ++i) {
    const LoadedModel other = load_model(models[i]);
    check_compatible(first_spec, models.front(), other.spec, models[i]);
    const double w = weights[i];
    // Same architecture, so the same names in the same order (checked by load_model's tensors).
    const auto other_parameters = other.net->named_parameters();
    for (auto& p : parameters) p.value().add_(other_parameters[p.key()], w);
    const auto other_buffers = other.net->named_buffers();
    for (auto& b : buffers) {
      if (b.value().is_floating_point()) b.value().add_(other_buffers[b.key()], w);
    }
    mean.spec.input.mean += w * other.spec.input.mean;
    mean.spec.input.std += w * other.spec.input.std;
    record(models[i], w, other.training);
    same_counts = same_counts && class_counts_of(other.training) == first_counts;
  }

  mean.training = json::object();
  mean.training[kAveragedFromKey] = std::move(ingredients);
  if (same_counts) mean.training[kClassCountsKey] = first_counts;
  mean.training["parameters"] = count_parameters(*mean.net);
  return mean;
}

}  // namespace emomusic::nn
