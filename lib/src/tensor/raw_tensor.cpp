#include "emomusic/tensor/raw_tensor.hpp"

#include <cstring>
#include <map>

#include "emomusic/core/error.hpp"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors stores little-endian data; this code copies it as is"
#endif

namespace emomusic {
namespace {

const std::map<torch::ScalarType, std::string>& dtype_names() {
  static const std::map<torch::ScalarType, std::string> kNames = {
      {torch::kFloat32, "F32"}, {torch::kFloat64, "F64"}, {torch::kInt64, "I64"},
      {torch::kInt32, "I32"},   {torch::kUInt8, "U8"},    {torch::kBool, "BOOL"}};
  return kNames;
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
  raw.bytes.assign(static_cast<const char*>(c.data_ptr()),
                   static_cast<size_t>(c.numel()) * c.element_size());
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

}  // namespace emomusic
