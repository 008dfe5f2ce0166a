#pragma once
/// @file
/// Weight averaging: one network whose every parameter and batch-norm statistic is the weighted
/// mean of those of several models of one architecture. For models fine-tuned from the same start
/// (a "model soup", Wortsman et al. 2022, "Model soups"; or a start and its fine-tune, "WiSE-FT",
/// Wortsman et al. 2022, "Robust fine-tuning of zero-shot models") the mean lies in the same basin
/// and often generalises better than any one of them, at the cost of one network. Networks
/// trained from different random starts do not average into a working one: measure the result.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "emomusic/nn/model_file.hpp"

namespace emomusic::nn {

/// The training summary's list of the averaged models: file name, weight and each one's own
/// training summary.
inline constexpr const char* kAveragedFromKey = "averaged_from";

/// The weighted mean of `models` (at least two). `weights`: empty for equal weights, else one
/// positive weight per model, normalised to sum 1. Floating-point tensors are averaged; integer
/// ones (batch norm's step counter) are the first model's. The input normalisation (mean and
/// spread) is averaged too and must agree within 0.1%, as it does between fine-tunes of the same
/// data. The summary (kAveragedFromKey) records each model; the training class counts are kept
/// when all models agree on them (class priors at inference need them).
/// Throws UsageError for fewer than two models or weights that do not match them, and ModelError
/// naming the file whose architecture, classes or input differ from the first model's.
LoadedModel average_models(const std::vector<std::filesystem::path>& models,
                           std::vector<double> weights = {});

}  // namespace emomusic::nn
