#include "checkpoint.hpp"

#include <sstream>

#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/nn/model_file.hpp"

namespace emomusic::train {
namespace {
// The optimizer's state travels as LibTorch's own archive inside a byte tensor: a checkpoint is
// resumed by the same build that wrote it, unlike the model file, which must outlive versions.
constexpr const char* kOptimizerTensor = "optimizer.state";
}  // namespace

void save_checkpoint(const std::filesystem::path& path, nn::EmotionNet& net,
                     const nn::ModelSpec& spec, const torch::optim::Optimizer& optimizer,
                     const nlohmann::json& loop_state) {
  SafetensorsFile file = nn::network_tensors(net);
  file.metadata = nn::model_metadata(spec, {});
  file.metadata["checkpoint"] = dump_json(loop_state);
  std::ostringstream blob;
  torch::serialize::OutputArchive archive;
  optimizer.save(archive);
  archive.save_to(blob);
  file.tensors[kOptimizerTensor] =
      RawTensor{"U8", {static_cast<int64_t>(blob.str().size())}, blob.str()};
  save_safetensors(path, file);
}

nlohmann::json load_checkpoint(const std::filesystem::path& path, nn::EmotionNet& net,
                               const nn::ModelSpec& spec, torch::optim::Optimizer& optimizer) {
  const SafetensorsFile file = load_safetensors(path);
  const nn::ModelSpec saved = nn::parse_model_metadata(file.metadata, path.string());
  if (nlohmann::json(saved.arch) != nlohmann::json(spec.arch)) {
    throw ModelError(path.string() + ": checkpoint is of architecture " +
                     excerpt(dump_json(nlohmann::json(saved.arch)), 200) + ", this run asks for " +
                     excerpt(dump_json(nlohmann::json(spec.arch)), 200));
  }
  nn::load_network_tensors(net, file, path.string());
  const auto blob = file.tensors.find(kOptimizerTensor);
  const auto state = file.metadata.find("checkpoint");
  if (blob == file.tensors.end() || state == file.metadata.end()) {
    throw ModelError(path.string() + ": a model file, not a checkpoint (no optimizer state)");
  }
  try {
    std::istringstream in(blob->second.bytes);
    torch::serialize::InputArchive archive;
    archive.load_from(in);
    optimizer.load(archive);
    return nlohmann::json::parse(state->second);
  } catch (const std::exception& e) {
    // LibTorch's and the JSON parser's messages can quote the damaged bytes at length.
    throw ModelError(path.string() + ": cannot restore the checkpoint: " + excerpt(e.what(), 300));
  }
}

}  // namespace emomusic::train
