#include "emomusic/core/safetensors.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "emomusic/core/atomic_file.hpp"
#include "emomusic/core/bounded_input.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"

namespace emomusic {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A header larger than this is certainly not ours: refuse instead of allocating gigabytes.
constexpr std::uint64_t kMaxHeaderBytes = 100u << 20;

std::uint64_t read_le64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

void append_le64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

[[noreturn]] void fail(const std::string& name, const std::string& what) {
  throw ModelError(name + ": not a valid safetensors file: " + what);
}

json parse_header(const std::string& bytes, const std::string& name, std::uint64_t* header_len) {
  if (bytes.size() < 8) fail(name, "shorter than the 8-byte header length (truncated?)");
  const std::uint64_t n = read_le64(bytes.data());
  if (n > kMaxHeaderBytes) fail(name, "header length " + std::to_string(n) + " is implausible");
  if (8 + n > bytes.size()) {
    fail(name,
         "header of " + std::to_string(n) + " bytes runs past the end of the file (truncated?)");
  }
  *header_len = n;
  try {
    json header = json::parse(bytes.begin() + 8, bytes.begin() + 8 + static_cast<long>(n));
    if (!header.is_object()) fail(name, "header is not a JSON object");
    return header;
  } catch (const json::exception& e) {
    fail(name, std::string("header is not valid JSON (") + e.what() + ")");
  }
}

std::map<std::string, std::string> parse_metadata(const json& header, const std::string& name) {
  std::map<std::string, std::string> metadata;
  if (auto it = header.find("__metadata__"); it != header.end()) {
    if (!it->is_object()) fail(name, "__metadata__ is not an object");
    for (const auto& [k, v] : it->items()) {
      if (!v.is_string()) fail(name, "__metadata__." + k + " is not a string");
      metadata[k] = v.get<std::string>();
    }
  }
  return metadata;
}

// The file's bytes within kSafetensorsLimit. The header is checked as soon as it is in, so that
// a device or pipe of junk (/dev/zero) is refused after a few bytes, not after the limit.
std::string read_safetensors_file(const fs::path& path) {
  BoundedInput in(path, kSafetensorsLimit);
  const std::string name = path.string();
  std::string bytes(8, '\0');
  in.read(bytes.data(), 8);
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (bytes.size() < 8) fail(name, "shorter than the 8-byte header length (truncated?)");
  const std::uint64_t n = read_le64(bytes.data());
  if (n > kMaxHeaderBytes) fail(name, "header length " + std::to_string(n) + " is implausible");
  bytes.resize(8 + n);
  in.read(bytes.data() + 8, static_cast<std::streamsize>(n));
  bytes.resize(8 + static_cast<std::size_t>(in.gcount()));
  std::uint64_t header_len = 0;
  parse_header(bytes, name, &header_len);
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    bytes.append(chunk, static_cast<std::size_t>(in.gcount()));
  }
  return bytes;
}

}  // namespace

std::int64_t RawTensor::numel() const {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::size_t dtype_size(const std::string& dtype) {
  static const std::map<std::string, std::size_t> kSizes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"I16", 2}, {"U16", 2}, {"F16", 2}, {"BF16", 2},
      {"I32", 4},  {"U32", 4}, {"F32", 4}, {"I64", 8}, {"U64", 8}, {"F64", 8}};
  auto it = kSizes.find(dtype);
  if (it == kSizes.end()) throw std::invalid_argument("unknown safetensors dtype '" + dtype + "'");
  return it->second;
}

std::string encode_safetensors(const SafetensorsFile& file) {
  json header = json::object();
  if (!file.metadata.empty()) header["__metadata__"] = file.metadata;
  std::uint64_t offset = 0;
  for (const auto& [name, t] : file.tensors) {
    const auto expected = static_cast<std::uint64_t>(t.numel()) * dtype_size(t.dtype);
    if (expected != t.bytes.size()) {
      throw std::invalid_argument("tensor '" + name + "' has " + std::to_string(t.bytes.size()) +
                                  " bytes, its shape needs " + std::to_string(expected));
    }
    header[name] = {
        {"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + expected}}};
    offset += expected;
  }
  std::string text = dump_json(header);
  // Pad with spaces so the tensor data starts 8-byte aligned, as the reference writer does.
  text.append((8 - text.size() % 8) % 8, ' ');

  std::string out;
  out.reserve(8 + text.size() + offset);
  append_le64(out, text.size());
  out += text;
  for (const auto& entry : file.tensors) out += entry.second.bytes;
  return out;
}

SafetensorsFile decode_safetensors(const std::string& bytes, const std::string& name) {
  std::uint64_t header_len = 0;
  const json header = parse_header(bytes, name, &header_len);
  SafetensorsFile file;
  file.metadata = parse_metadata(header, name);

  const std::uint64_t data_start = 8 + header_len;
  const std::uint64_t data_size = bytes.size() - data_start;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (const auto& [tname, spec] : header.items()) {
    if (tname == "__metadata__") continue;
    try {
      RawTensor t;
      t.dtype = spec.at("dtype").get<std::string>();
      t.shape = spec.at("shape").get<std::vector<std::int64_t>>();
      const auto offsets = spec.at("data_offsets").get<std::vector<std::uint64_t>>();
      if (offsets.size() != 2 || offsets[0] > offsets[1]) fail(name, tname + ": bad data_offsets");
      if (offsets[1] > data_size) {
        fail(name, tname + ": data runs past the end of the file (truncated?)");
      }
      for (auto d : t.shape) {
        if (d < 0) fail(name, tname + ": negative dimension");
      }
      const auto expected = static_cast<std::uint64_t>(t.numel()) * dtype_size(t.dtype);
      if (offsets[1] - offsets[0] != expected) {
        fail(name, tname + ": " + std::to_string(offsets[1] - offsets[0]) +
                       " bytes do not match shape and dtype (" + std::to_string(expected) + ")");
      }
      t.bytes = bytes.substr(data_start + offsets[0], expected);
      ranges.emplace_back(offsets[0], offsets[1]);
      file.tensors.emplace(tname, std::move(t));
    } catch (const json::exception& e) {
      fail(name, tname + ": " + e.what());
    } catch (const std::invalid_argument& e) {
      fail(name, tname + ": " + e.what());
    }
  }
  // The format requires the tensors to cover the data exactly, with no holes or overlaps; a
  // mismatch means a corrupted or wrongly concatenated file.
  std::sort(ranges.begin(), ranges.end());
  std::uint64_t expected_start = 0;
  for (const auto& [begin, end] : ranges) {
    if (begin != expected_start) fail(name, "tensor data has holes or overlaps");
    expected_start = end;
  }
  if (expected_start != data_size) {
    fail(name, std::to_string(data_size - expected_start) + " stray bytes after the tensor data");
  }
  return file;
}

void save_safetensors(const fs::path& path, const SafetensorsFile& file) {
  write_file_atomically(path, encode_safetensors(file));
}

SafetensorsFile load_safetensors(const fs::path& path) {
  return decode_safetensors(read_safetensors_file(path), path.string());
}

bool looks_like_safetensors(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  char head[9] = {};
  in.read(head, sizeof head);
  if (in.gcount() != sizeof head || head[8] != '{') return false;
  const std::uint64_t n = read_le64(head);
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  return !ec && n <= kMaxHeaderBytes && n + 8 <= size;
}

std::map<std::string, std::string> load_safetensors_metadata(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ModelError(path.string() + ": cannot open (missing or unreadable)");
  std::string head(8, '\0');
  in.read(head.data(), 8);
  if (in.gcount() != 8) fail(path.string(), "shorter than the 8-byte header length (truncated?)");
  const std::uint64_t n = read_le64(head.data());
  if (n > kMaxHeaderBytes)
    fail(path.string(), "header length " + std::to_string(n) + " is implausible");
  head.resize(8 + n);
  in.read(head.data() + 8, static_cast<std::streamsize>(n));
  if (static_cast<std::uint64_t>(in.gcount()) != n) fail(path.string(), "header is truncated");
  std::uint64_t header_len = 0;
  return parse_metadata(parse_header(head, path.string(), &header_len), path.string());
}

}  // namespace emomusic
