#pragma once
/// @file
/// Model files: the network's parameters and buffers as safetensors, with the architecture, class
/// names, input preprocessing and a training summary in the header's "__metadata__". Readable by
/// any LibTorch version, and by Python's `safetensors`.

#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "emomusic/core/safetensors.hpp"
#include "emomusic/nn/model_spec.hpp"
#include "emomusic/nn/network.hpp"

namespace emomusic::nn {

/// The "format" metadata value of model files written by this version.
inline constexpr const char* kModelFormat = "emomusic.model.v1";

struct LoadedModel {
  ModelSpec spec;
  nlohmann::json training;  ///< summary written by `emomusic train` (may be empty)
  EmotionNet net;           ///< in eval mode, on the requested device
  std::map<std::string, std::string> metadata;  ///< the raw header metadata, for extensions
};

/// The parameters and buffers of `net` (batch-norm statistics included) by their module names.
SafetensorsFile network_tensors(EmotionNet& net);
/// Copies tensors by name into `net`; throws ModelError naming the first missing, extra,
/// mis-shaped or mis-typed tensor (dtypes must match exactly, never converted), or one holding NaN,
/// infinity or (batch-norm running_var) a negative value. `source` names the file in messages.
void load_network_tensors(EmotionNet& net, const SafetensorsFile& file, const std::string& source);

/// Compares a file's tensors with what a network will hold (network_tensor_specs()) without
/// building it; throws ModelError naming the first missing, extra, mis-typed or mis-shaped one.
void check_tensors(const std::map<std::string, TensorSpec>& expected, const SafetensorsFile& file,
                   const std::string& source);

/// Metadata entries describing a model (format, arch, input, classes, training).
std::map<std::string, std::string> model_metadata(const ModelSpec& spec,
                                                  const nlohmann::json& training);
/// Parses model metadata; throws ModelError naming `source` and the bad field, including classes
/// beyond kMaxClasses and an input mean/std outside the bounds of InputSpec.
ModelSpec parse_model_metadata(const std::map<std::string, std::string>& metadata,
                               const std::string& source, nlohmann::json* training = nullptr);

/// Writes a model atomically.
void save_model(const std::filesystem::path& path, EmotionNet& net, const ModelSpec& spec,
                const nlohmann::json& training);
/// Loads a model, builds its network and puts it in eval mode on `device`. The metadata is checked
/// against the network bounds and the tensors against the shapes it implies before anything is
/// built, so a hostile file costs no more memory than its own size; ModelError otherwise.
LoadedModel load_model(const std::filesystem::path& path,
                       const torch::Device& device = torch::kCPU);

}  // namespace emomusic::nn
