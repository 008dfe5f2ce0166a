#include "emomusic/nn/preprocess.hpp"

#include "emomusic/core/error.hpp"

namespace emomusic::nn {

torch::Tensor normalize_faces(const torch::Tensor& faces_u8, const InputSpec& spec,
                              const torch::Device& device) {
  if (faces_u8.scalar_type() != torch::kUInt8) {
    throw std::invalid_argument("faces must be uint8 grayscale");
  }
  torch::Tensor x = faces_u8.dim() == 3 ? faces_u8.unsqueeze(1) : faces_u8;
  if (x.dim() != 4 || x.size(1) != 1 || x.size(2) != spec.size || x.size(3) != spec.size) {
    throw std::invalid_argument("faces must be [N," + std::to_string(spec.size) + "," +
                                std::to_string(spec.size) + "] grayscale, got " +
                                c10::str(faces_u8.sizes()));
  }
  // Move as uint8 (4× less traffic to a GPU), convert there.
  x = x.to(device).to(torch::kFloat32);
  return x.mul_(1.0 / (255.0 * spec.std)).sub_(spec.mean / spec.std);
}

torch::Device parse_device(const std::string& name) {
  torch::Device device(torch::kCPU);
  try {
    device = torch::Device(name);
  } catch (const c10::Error&) {
    throw UsageError("unknown device '" + name + "'; expected cpu, cuda or cuda:N");
  }
  if (device.is_cuda() && !torch::cuda::is_available()) {
    throw UnavailableError("device '" + name +
                           "': this LibTorch has no CUDA support or no GPU is visible");
  }
  return device;
}

}  // namespace emomusic::nn
