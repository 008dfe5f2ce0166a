#pragma once
// Whether a model file given to a training run (its starting weights, a teacher) fits the run.

#include <filesystem>

#include "emomusic/nn/model_spec.hpp"

namespace emomusic::train {

// Throws ModelError, naming `path`, when the model takes faces of another size than `data` holds.
void check_face_size(const std::filesystem::path& path, const nn::InputSpec& model,
                     const nn::InputSpec& data);

}  // namespace emomusic::train
