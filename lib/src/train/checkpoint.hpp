#pragma once
// Checkpoints: the model file's content plus the optimizer state and the loop's own state, so
// that `train --resume` continues where a killed run stopped (losing at most one epoch).

#include <torch/torch.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "emomusic/nn/model_spec.hpp"
#include "emomusic/nn/network.hpp"

namespace emomusic::train {

void save_checkpoint(const std::filesystem::path& path, nn::EmotionNet& net,
                     const nn::ModelSpec& spec, const torch::optim::Optimizer& optimizer,
                     const nlohmann::json& loop_state);

/// Restores `net` and `optimizer` in place; returns the loop state. Throws ModelError naming the
/// file when it is missing, corrupt, or of another architecture.
nlohmann::json load_checkpoint(const std::filesystem::path& path, nn::EmotionNet& net,
                               const nn::ModelSpec& spec, torch::optim::Optimizer& optimizer);

}  // namespace emomusic::train
