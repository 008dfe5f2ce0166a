#include <nlohmann/json.hpp>

#include "emomusic/core/error.hpp"
#include "emomusic/core/safetensors.hpp"
#include "emomusic/data/loader.hpp"
#include "emomusic/tensor/raw_tensor.hpp"
#include "formats.hpp"

namespace emomusic::data {
namespace {

constexpr const char* kPackedFormat = "emomusic.faces.v1";

torch::Tensor tensor_of(const SafetensorsFile& f, const std::string& name,
                        const std::string& source) {
  const auto it = f.tensors.find(name);
  if (it == f.tensors.end() || it->second.dtype != "U8") {
    throw InputError(source + ": packed dataset lacks a U8 tensor '" + name + "'");
  }
  return from_raw(it->second, source);
}

}  // namespace

void save_packed(const FaceDataset& d, const std::filesystem::path& path) {
  SafetensorsFile f;
  f.metadata["format"] = kPackedFormat;
  f.metadata["splits"] = nlohmann::json(d.split_names).dump();
  f.metadata["source"] = d.source;
  f.tensors["images"] = to_raw(d.images);
  // Labels are 0..6: one byte each keeps the file small enough to carry around.
  f.tensors["labels"] = to_raw(d.labels.to(torch::kUInt8));
  f.tensors["splits"] = to_raw(d.splits);
  save_safetensors(path, f);
}

FaceDataset load_packed(const std::filesystem::path& path) {
  SafetensorsFile f;
  try {
    f = load_safetensors(path);
  } catch (const ModelError& e) {
    throw InputError(e.what());  // for a dataset, a bad file is bad input, not a bad model
  }
  const std::string source = path.string();
  if (f.metadata["format"] != kPackedFormat) {
    throw InputError(source + ": not a packed emomusic dataset (format '" + f.metadata["format"] +
                     "')");
  }
  FaceDataset d;
  d.images = tensor_of(f, "images", source);
  d.labels = tensor_of(f, "labels", source).to(torch::kInt64);
  d.splits = tensor_of(f, "splits", source);
  try {
    d.split_names = nlohmann::json::parse(f.metadata["splits"]).get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(source + ": bad 'splits' metadata: " + e.what());
  }
  const auto n = d.images.size(0);
  if (d.images.dim() != 3 || d.images.size(1) != kFerSide || d.images.size(2) != kFerSide ||
      d.labels.size(0) != n || d.splits.size(0) != n) {
    throw InputError(source + ": tensor shapes do not agree");
  }
  if (n > 0 && (d.labels.max().item<int64_t>() > 6 ||
                d.splits.max().item<int64_t>() >= static_cast<int64_t>(d.split_names.size()))) {
    throw InputError(source + ": labels or split indices out of range");
  }
  d.source = f.metadata["source"].empty() ? source : f.metadata["source"];
  return d;
}

}  // namespace emomusic::data
