#pragma once
// The metrics log and training-curve pictures written after every epoch.

#include <vector>

#include "emomusic/train/trainer.hpp"

namespace emomusic::train {

void write_history(const std::vector<EpochRecord>& history, const TrainArtifacts& files);

nlohmann::json to_json(const EpochRecord& r);
EpochRecord epoch_from_json(const nlohmann::json& j);

}  // namespace emomusic::train
