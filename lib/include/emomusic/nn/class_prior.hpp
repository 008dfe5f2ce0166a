#pragma once
/// @file
/// Logit adjustment at inference (Menon et al. 2021, "Long-tail learning via logit adjustment").
/// A network trained on skewed data learns the skew as a prior: FER2013 is 25% happy and 1.5%
/// disgust, and the network leans that way on every face, also on posed, balanced ones. Dividing
/// its probabilities by the training classes' frequencies to a power τ before the argmax takes
/// part of that prior out: τ = 0 changes nothing, τ = 1 removes it whole (the balanced Bayes
/// rule, if the network's probabilities were calibrated). Free of LibTorch, so that front ends
/// and the vision area can name the default.

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "emomusic/core/emotion.hpp"
#include "emomusic/core/value_range.hpp"

namespace emomusic::nn {

/// FER2013 Training's faces per emotion, in label order (angry, disgust, fear, happy, sad,
/// surprise, neutral): 28,709 in all. The prior of models whose file records no counts of its
/// own: every model emomusic has shipped was trained on exactly these faces.
inline constexpr std::array<double, kEmotionCount> kFer2013TrainingCounts = {3995, 436,  4097, 7215,
                                                                             4830, 3171, 4965};

/// τ when none is chosen: 0 (0.5 helped on held-out real faces but cost FER2013 PublicTest a
/// point: models/MODEL_CARD.md, "Class priors at inference").
inline constexpr double kDefaultPriorPower = 0.0;
/// The τ accepted: beyond 1 the adjustment over-corrects (τ = 1 already costs 8–13 points on real
/// faces), so values over 2 are mistakes, not settings.
inline constexpr ValueRange<double> kPriorPowerRange{0.0, 2.0};

/// The key of a model's training summary that holds its training faces per class, as an object
/// {"angry": 3995, …} (written by `train`).
inline constexpr const char* kClassCountsKey = "class_counts";

/// The training frequency of each of a model's classes, in its output order (summing to 1): from
/// `training`[kClassCountsKey] when the file records it, else kFer2013TrainingCounts. A class
/// with no training face counts as one, so that its weight stays finite. Throws ModelError naming
/// `source` when the classes are not the 7 emotions or the recorded counts are malformed (not an
/// object of non-negative numbers for every class).
std::vector<double> training_class_frequencies(const std::vector<std::string>& classes,
                                               const nlohmann::json& training,
                                               const std::string& source);

/// Checks τ: throws UsageError naming the value unless kPriorPowerRange holds it.
void check_prior_power(double power);

}  // namespace emomusic::nn
