#include "emomusic/nn/model_file.hpp"

#include <cmath>

#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/tensor/raw_tensor.hpp"

namespace emomusic::nn {
using nlohmann::json;

namespace {

// The safetensors name of a tensor's dtype, as to_raw() writes it.
std::string dtype_name(const torch::Tensor& t) {
  switch (t.scalar_type()) {
    case torch::kFloat32:
      return "F32";
    case torch::kFloat64:
      return "F64";
    case torch::kInt64:
      return "I64";
    case torch::kInt32:
      return "I32";
    case torch::kUInt8:
      return "U8";
    case torch::kBool:
      return "BOOL";
    default:
      return std::string(c10::toString(t.scalar_type()));
  }
}

std::map<std::string, torch::Tensor> named_state(EmotionNet& net) {
  std::map<std::string, torch::Tensor> state;
  for (const auto& p : net->named_parameters()) state[p.key()] = p.value();
  for (const auto& b : net->named_buffers()) state[b.key()] = b.value();
  return state;
}

}  // namespace

void check_tensors(const std::map<std::string, TensorSpec>& expected, const SafetensorsFile& file,
                   const std::string& source) {
  for (const auto& [name, want] : expected) {
    const auto it = file.tensors.find(name);
    if (it == file.tensors.end()) {
      throw ModelError(source + ": tensor '" + name + "' is missing (wrong architecture?)");
    }
    const RawTensor& raw = it->second;
    if (raw.dtype != want.dtype) {
      throw ModelError(source + ": tensor '" + name + "' is " + excerpt(raw.dtype) + ", expected " +
                       want.dtype);
    }
    if (raw.shape != want.shape) {
      throw ModelError(
          source + ": tensor '" + name + "' has shape " + c10::str(c10::IntArrayRef(raw.shape)) +
          ", the metadata's architecture needs " + c10::str(c10::IntArrayRef(want.shape)));
    }
  }
  for (const auto& [name, raw] : file.tensors) {
    if (!expected.count(name) && name.rfind("optimizer.", 0) != 0) {
      throw ModelError(source + ": unexpected tensor '" + excerpt(name) +
                       "' (wrong architecture?)");
    }
  }
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
    const RawTensor& raw = it->second;
    const std::string want = dtype_name(target);
    if (raw.dtype != want) {
      // A value of another dtype is not "the same numbers": refuse rather than convert.
      throw ModelError(source + ": tensor '" + name + "' is " + excerpt(raw.dtype) + ", expected " +
                       want);
    }
    const torch::Tensor value = from_raw(raw, source + ": " + name);
    if (value.sizes() != target.sizes()) {
      throw ModelError(source + ": tensor '" + name + "' has shape " + c10::str(value.sizes()) +
                       ", the architecture needs " + c10::str(target.sizes()));
    }
    if (value.is_floating_point()) {
      // NaN or infinity would come out as NaN probabilities ("nan%") or an arbitrary argmax.
      if (!torch::isfinite(value).all().item<bool>()) {
        throw ModelError(source + ": tensor '" + name + "' holds NaN or infinite values");
      }
      if (name.size() > 12 && name.compare(name.size() - 12, 12, ".running_var") == 0 &&
          (value < 0).any().item<bool>()) {
        throw ModelError(source + ": tensor '" + name + "' holds a negative variance");
      }
    }
    target.copy_(value.to(target.dtype()));
  }
  for (const auto& [name, raw] : file.tensors) {
    if (!state.count(name) && name.rfind("optimizer.", 0) != 0) {
      throw ModelError(source + ": unexpected tensor '" + excerpt(name) +
                       "' (wrong architecture?)");
    }
  }
}

std::map<std::string, std::string> model_metadata(const ModelSpec& spec, const json& training) {
  return {{"format", kModelFormat},
          {"arch", dump_json(json(spec.arch))},
          {"input", dump_json(json(spec.input))},
          {"classes", dump_json(json(spec.classes))},
          {"training", training.is_null() ? "{}" : dump_json(training)}};
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
                     (format == metadata.end() ? std::string() : excerpt(format->second)) +
                     "', expected '" + kModelFormat + "')");
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
  if (spec.classes.size() > static_cast<std::size_t>(kMaxClasses)) {
    throw ModelError(source + ": metadata 'classes' has " + std::to_string(spec.classes.size()) +
                     " names, more than " + std::to_string(kMaxClasses));
  }
  // Written so that NaN fails too. A std of 0 divides every pixel by zero.
  if (!(spec.input.mean >= 0 && spec.input.mean <= 1)) {
    throw ModelError(source + ": metadata 'input' mean is " + std::to_string(spec.input.mean) +
                     "; pixel/255 means are in [0, 1]");
  }
  if (!(spec.input.std >= kMinInputStd && spec.input.std <= 1)) {
    throw ModelError(source + ": metadata 'input' std is " + std::to_string(spec.input.std) +
                     "; it must be in [0.001, 1]");
  }
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
  const auto num_classes = static_cast<int>(model.spec.classes.size());
  const std::string source = path.string();
  std::map<std::string, TensorSpec> expected;
  try {
    expected = network_tensor_specs(model.spec.arch, model.spec.input.size, num_classes);
  } catch (const UsageError& e) {
    throw ModelError(source + ": metadata asks for an impossible network: " + e.what());
  }
  check_tensors(expected, file, source);
  // Only now is anything allocated, and no more than the file itself holds.
  model.net = make_network(model.spec.arch, model.spec.input.size, num_classes);
  load_network_tensors(model.net, file, path.string());
  model.net->eval();
  model.net->to(device);
  return model;
}

}  // namespace emomusic::nn
