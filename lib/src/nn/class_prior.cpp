#include "emomusic/nn/class_prior.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "emomusic/core/error.hpp"
#include "emomusic/nn/model_spec.hpp"

namespace emomusic::nn {

std::vector<double> training_class_frequencies(const std::vector<std::string>& classes,
                                               const nlohmann::json& training,
                                               const std::string& source) {
  const auto columns = emotion_columns(classes, source);
  std::array<double, kEmotionCount> counts = kFer2013TrainingCounts;
  if (training.is_object() && training.contains(kClassCountsKey)) {
    const auto& recorded = training[kClassCountsKey];
    const auto bad = [&](const std::string& why) {
      return ModelError(fmt::format("{}: training.{} {}", source, kClassCountsKey, why));
    };
    if (!recorded.is_object()) throw bad("is not an object of counts per class");
    for (int e = 0; e < kEmotionCount; ++e) {
      const std::string name(emotion_names()[e]);
      const auto it = recorded.find(name);
      if (it == recorded.end()) throw bad("has no count for " + name);
      if (!it->is_number() || !(it->get<double>() >= 0) || !std::isfinite(it->get<double>())) {
        throw bad("has a count for " + name + " that is not a non-negative number");
      }
      counts[e] = it->get<double>();
    }
  }
  double total = 0;
  for (auto& c : counts) {
    c = std::max(c, 1.0);
    total += c;
  }
  std::vector<double> frequencies(classes.size());
  for (int e = 0; e < kEmotionCount; ++e) frequencies[columns[e]] = counts[e] / total;
  return frequencies;
}

void check_prior_power(double power) {
  check_range(power, kPriorPowerRange, "the prior power");
}

}  // namespace emomusic::nn
