#include "emomusic/nn/preprocess.hpp"

#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"

namespace emomusic::nn {

torch::Tensor equalize_histograms(const torch::Tensor& faces_u8) {
  if (faces_u8.scalar_type() != torch::kUInt8 || faces_u8.dim() < 2) {
    throw std::invalid_argument("faces to equalise must be a uint8 batch");
  }
  torch::NoGradGuard no_grad;
  const auto n = faces_u8.size(0);
  const auto pixels = faces_u8.reshape({n, -1}).to(torch::kInt64);
  const auto total = pixels.size(1);
  const auto hist =
      torch::zeros({n, 256}, pixels.options()).scatter_add_(1, pixels, torch::ones_like(pixels));
  const auto cdf = hist.cumsum(1);
  // OpenCV maps the darkest grey present to 0 and scales the rest of the cumulative histogram
  // to 255 in float: lut[v] = round((cdf[v] - count of the darkest) * 255 / (total - that count)).
  const auto darkest = torch::where(cdf > 0, cdf, torch::full_like(cdf, total + 1)).amin(1, true);
  const auto spread = (total - darkest).to(torch::kFloat32);
  const auto scale = torch::full_like(spread, 255.0F) / spread;
  auto lut = ((cdf - darkest).to(torch::kFloat32) * scale).round().clamp_(0, 255);
  // A face of one grey level stays as it is (OpenCV's rule), instead of dividing by zero.
  const auto identity = torch::arange(256, lut.options()).expand_as(lut);
  lut = torch::where(spread == 0, identity, lut);
  return lut.to(torch::kUInt8).gather(1, pixels).reshape(faces_u8.sizes());
}

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
  x = x.to(device);
  if (spec.equalize == Equalize::kHistogram) x = equalize_histograms(x);
  x = x.to(torch::kFloat32);
  return x.mul_(1.0 / (255.0 * spec.std)).sub_(spec.mean / spec.std);
}

torch::Device parse_device(const std::string& name) {
  torch::Device device(torch::kCPU);
  try {
    device = torch::Device(name);
  } catch (const c10::Error&) {
    throw UsageError("unknown device '" + excerpt(name) + "'; expected cpu, cuda or cuda:N");
  }
  if (device.is_cuda() && !torch::cuda::is_available()) {
    throw UnavailableError("device '" + name +
                           "': this LibTorch has no CUDA support or no GPU is visible");
  }
  return device;
}

}  // namespace emomusic::nn
