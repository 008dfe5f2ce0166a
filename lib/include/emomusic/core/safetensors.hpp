#pragma once
/// @file
/// The safetensors file format (https://github.com/huggingface/safetensors): an 8-byte
/// little-endian header length, a JSON header, then raw little-endian tensor bytes. Independent of
/// any LibTorch version, so a model trained with one LibTorch loads in another (and in Python).
/// Used for model weights, checkpoints and the dataset cache.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace emomusic {

/// One tensor: safetensors dtype name ("F32", "U8", "I64", …), shape, and its raw bytes.
struct RawTensor {
  std::string dtype;
  std::vector<std::int64_t> shape;
  std::string bytes;

  std::int64_t numel() const;
};

struct SafetensorsFile {
  /// The header's "__metadata__": a flat string→string map, as the format requires.
  std::map<std::string, std::string> metadata;
  std::map<std::string, RawTensor> tensors;
};

/// Size in bytes of one element of a safetensors dtype; throws std::invalid_argument if unknown.
std::size_t dtype_size(const std::string& dtype);

/// Serialises to the exact bytes of a .safetensors file.
std::string encode_safetensors(const SafetensorsFile& file);
/// Parses bytes; `name` is used in error messages. Throws ModelError on any inconsistency
/// (truncation, bad JSON, offsets outside the data, overlapping or missing bytes, shape/size
/// mismatch).
SafetensorsFile decode_safetensors(const std::string& bytes, const std::string& name);

/// Writes atomically (temporary file + rename).
void save_safetensors(const std::filesystem::path& path, const SafetensorsFile& file);
/// Throws ModelError naming the file when it is missing or invalid.
SafetensorsFile load_safetensors(const std::filesystem::path& path);
/// Whether the file starts like a safetensors file (a plausible header length that fits the file,
/// then '{'), read from its first 9 bytes: tells a packed dataset from a CSV without parsing it.
bool looks_like_safetensors(const std::filesystem::path& path);
/// Reads only the "__metadata__" map, without the tensor data.
std::map<std::string, std::string> load_safetensors_metadata(const std::filesystem::path& path);

}  // namespace emomusic
