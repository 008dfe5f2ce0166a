#include "model_fit.hpp"

#include <fmt/format.h>

#include "emomusic/core/error.hpp"

namespace emomusic::train {

void check_face_size(const std::filesystem::path& path, const nn::InputSpec& model,
                     const nn::InputSpec& data) {
  if (model.size == data.size) return;
  throw ModelError(fmt::format("{}: takes {}x{} faces, the training data is {}x{}", path.string(),
                               model.size, model.size, data.size, data.size));
}

}  // namespace emomusic::train
