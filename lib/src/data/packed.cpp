#include <nlohmann/json.hpp>

#include "emomusic/core/error.hpp"
#include "emomusic/core/safetensors.hpp"
#include "emomusic/core/text.hpp"
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
  f.metadata["splits"] = dump_json(nlohmann::json(d.split_names));
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
  return load_packed(f, path.string());
}

FaceDataset load_packed(const SafetensorsFile& f, const std::string& source) {
  const auto meta = [&](const char* key) {
    const auto it = f.metadata.find(key);
    return it == f.metadata.end() ? std::string() : it->second;
  };
  if (meta("format") != kPackedFormat) {
    throw InputError(source + ": not a packed emomusic dataset (format '" +
                     excerpt(meta("format")) + "')");
  }
  FaceDataset d;
  d.images = tensor_of(f, "images", source);
  d.labels = tensor_of(f, "labels", source).to(torch::kInt64);
  d.splits = tensor_of(f, "splits", source);
  try {
    d.split_names = nlohmann::json::parse(meta("splits")).get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    // The parser's message quotes the text it choked on, of any length.
    throw InputError(source + ": bad 'splits' metadata: " + excerpt(e.what(), 200));
  }
  // Ranks first: size(0) of a scalar tensor would be an internal error, not a named one.
  if (d.images.dim() != 3 || d.labels.dim() != 1 || d.splits.dim() != 1 ||
      d.images.size(1) != kFerSide || d.images.size(2) != kFerSide ||
      d.labels.size(0) != d.images.size(0) || d.splits.size(0) != d.images.size(0)) {
    throw InputError(source + ": tensor shapes do not agree");
  }
  const auto n = d.images.size(0);
  if (n > 0 && (d.labels.max().item<int64_t>() > 6 ||
                d.splits.max().item<int64_t>() >= static_cast<int64_t>(d.split_names.size()))) {
    throw InputError(source + ": labels or split indices out of range");
  }
  // The recorded source only names the data in messages: keep it one short line.
  d.source = meta("source").empty() ? source : excerpt(meta("source"), 300);
  return d;
}

}  // namespace emomusic::data
