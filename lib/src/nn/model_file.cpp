#include "emomusic/nn/model_file.hpp"

#include "emomusic/core/error.hpp"
#include "emomusic/tensor/raw_tensor.hpp"

namespace emomusic::nn {
using nlohmann::json;

namespace {

std::map<std::string, torch::Tensor> named_state(EmotionNet& net) {
  std::map<std::string, torch::Tensor> state;
  for (const auto& p : net->named_parameters()) state[p.key()] = p.value();
  for (const auto& b : net->named_buffers()) state[b.key()] = b.value();
  return state;
}

}  // namespace

SafetensorsFile network_tensors(EmotionNet& net) {
  SafetensorsFile file;
  for (const auto& [name, t] : named_state(net)) file.tensors[name] = to_raw(t);
  return file;
}

void load_network_tensors(EmotionNet& net, const SafetensorsFile& file, const std::string& source) {
  torch::NoGradGuard no_grad;
  const auto state = named_state(net);
  for (const auto& [name, target] : state) {
    const auto it = file.tensors.find(name);
    if (it == file.tensors.end()) {
      throw ModelError(source + ": tensor '" + name + "' is missing (wrong architecture?)");
    }
    const torch::Tensor value = from_raw(it->second, source + ": " + name);
    if (value.sizes() != target.sizes()) {
      throw ModelError(source + ": tensor '" + name + "' has shape " + c10::str(value.sizes()) +
                       ", the architecture needs " + c10::str(target.sizes()));
    }
    target.copy_(value.to(target.dtype()));
  }
  for (const auto& [name, raw] : file.tensors) {
    if (!state.count(name) && name.rfind("optimizer.", 0) != 0) {
      throw ModelError(source + ": unexpected tensor '" + name + "' (wrong architecture?)");
    }
  }
}

std::map<std::string, std::string> model_metadata(const ModelSpec& spec, const json& training) {
  return {{"format", kModelFormat},
          {"arch", json(spec.arch).dump()},
          {"input", json(spec.input).dump()},
          {"classes", json(spec.classes).dump()},
          {"training", training.is_null() ? "{}" : training.dump()}};
}

ModelSpec parse_model_metadata(const std::map<std::string, std::string>& metadata,
                               const std::string& source, json* training) {
  const auto field = [&](const char* key) -> json {
    const auto it = metadata.find(key);
    if (it == metadata.end()) {
      throw ModelError(source + ": metadata field '" + key +
                       "' is missing (not an emomusic model?)");
    }
    try {
      return json::parse(it->second);
    } catch (const json::exception& e) {
      throw ModelError(source + ": metadata field '" + key + "' is not valid JSON: " + e.what());
    }
  };
  const auto format = metadata.find("format");
  if (format == metadata.end() || format->second != kModelFormat) {
    throw ModelError(source + ": not an emomusic model (metadata 'format' is '" +
                     (format == metadata.end() ? std::string() : format->second) + "', expected '" +
                     kModelFormat + "')");
  }
  ModelSpec spec;
  try {
    spec.arch = field("arch").get<ArchSpec>();
    spec.input = field("input").get<InputSpec>();
    spec.classes = field("classes").get<std::vector<std::string>>();
    if (training) *training = field("training");
  } catch (const json::exception& e) {
    throw ModelError(source + ": bad metadata: " + e.what());
  }
  if (spec.classes.size() < 2)
    throw ModelError(source + ": metadata 'classes' has fewer than 2 names");
  return spec;
}

void save_model(const std::filesystem::path& path, EmotionNet& net, const ModelSpec& spec,
                const json& training) {
  SafetensorsFile file = network_tensors(net);
  file.metadata = model_metadata(spec, training);
  save_safetensors(path, file);
}

LoadedModel load_model(const std::filesystem::path& path, const torch::Device& device) {
  const SafetensorsFile file = load_safetensors(path);
  LoadedModel model;
  model.metadata = file.metadata;
  model.spec = parse_model_metadata(file.metadata, path.string(), &model.training);
  try {
    model.net = make_network(model.spec.arch, model.spec.input.size,
                             static_cast<int>(model.spec.classes.size()));
  } catch (const UsageError& e) {
    throw ModelError(path.string() + ": " + e.what());
  }
  load_network_tensors(model.net, file, path.string());
  model.net->eval();
  model.net->to(device);
  return model;
}

}  // namespace emomusic::nn
