#include "emomusic/nn/model_file.hpp"

#include <cstring>

#include "emomusic/core/error.hpp"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors stores little-endian data; this code copies it as is"
#endif

namespace emomusic::nn {
using nlohmann::json;

namespace {

const std::map<torch::ScalarType, std::string>& dtype_names() {
  static const std::map<torch::ScalarType, std::string> kNames = {
      {torch::kFloat32, "F32"}, {torch::kFloat64, "F64"}, {torch::kInt64, "I64"},
      {torch::kInt32, "I32"},   {torch::kUInt8, "U8"},    {torch::kBool, "BOOL"}};
  return kNames;
}

std::map<std::string, torch::Tensor> named_state(EmotionNet& net) {
  std::map<std::string, torch::Tensor> state;
  for (const auto& p : net->named_parameters()) state[p.key()] = p.value();
  for (const auto& b : net->named_buffers()) state[b.key()] = b.value();
  return state;
}

}  // namespace

RawTensor to_raw(const torch::Tensor& t) {
  const auto it = dtype_names().find(t.scalar_type());
  if (it == dtype_names().end()) {
    throw std::invalid_argument(std::string("cannot store tensors of type ") +
                                std::string(c10::toString(t.scalar_type())));
  }
  const torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
  RawTensor raw;
  raw.dtype = it->second;
  raw.shape.assign(c.sizes().begin(), c.sizes().end());
  raw.bytes.assign(static_cast<const char*>(c.data_ptr()), c.numel() * c.element_size());
  return raw;
}

torch::Tensor from_raw(const RawTensor& raw, const std::string& name) {
  for (const auto& [type, dname] : dtype_names()) {
    if (dname != raw.dtype) continue;
    torch::Tensor t = torch::empty(raw.shape, torch::TensorOptions().dtype(type));
    std::memcpy(t.data_ptr(), raw.bytes.data(), raw.bytes.size());
    return t;
  }
  throw ModelError(name + ": unsupported tensor dtype " + raw.dtype);
}

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
      throw ModelError(source + ": tensor '" + name + "' has shape " +
                       c10::str(value.sizes()) + ", the architecture needs " +
                       c10::str(target.sizes()));
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
      throw ModelError(source + ": metadata field '" + key + "' is missing (not an emomusic model?)");
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
  if (spec.classes.size() < 2) throw ModelError(source + ": metadata 'classes' has fewer than 2 names");
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
