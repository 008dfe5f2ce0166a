#include "emomusic/nn/network.hpp"

#include <cmath>

#include "baseline_cnn.hpp"
#include "emomusic/core/error.hpp"
#include "vgg_net.hpp"

namespace emomusic::nn {

namespace {

std::string bound_message(const std::string& what, std::int64_t value, std::int64_t lo,
                          std::int64_t hi) {
  return what + " is " + std::to_string(value) + "; it must be in " + std::to_string(lo) + ".." +
         std::to_string(hi);
}

void check_range(const std::string& what, std::int64_t value, std::int64_t lo, std::int64_t hi) {
  if (value < lo || value > hi) throw UsageError(bound_message(what, value, lo, hi));
}

void add_conv(std::map<std::string, TensorSpec>& out, const std::string& name, std::int64_t in,
              std::int64_t channels) {
  out[name + ".weight"] = {"F32", {channels, in, 3, 3}};
  out[name + ".bias"] = {"F32", {channels}};
}

void add_linear(std::map<std::string, TensorSpec>& out, const std::string& name, std::int64_t in,
                std::int64_t features) {
  out[name + ".weight"] = {"F32", {features, in}};
  out[name + ".bias"] = {"F32", {features}};
}

void add_batchnorm(std::map<std::string, TensorSpec>& out, const std::string& name,
                   std::int64_t features) {
  for (const char* t : {".weight", ".bias", ".running_mean", ".running_var"}) {
    out[name + t] = {"F32", {features}};
  }
  out[name + ".num_batches_tracked"] = {"I64", {}};
}

}  // namespace

int baseline_feature_side(int input_size) {
  // Valid 3×3 convolutions take 2 pixels, pooling halves (rounding down): conv conv pool, conv
  // pool, conv pool.
  int side = input_size;
  for (int drop : {4, 2, 2}) {
    side -= drop;
    if (side < 2) return 0;
    side /= 2;
  }
  return side;
}

std::map<std::string, TensorSpec> network_tensor_specs(const ArchSpec& arch, int input_size,
                                                       int num_classes) {
  check_range("the number of classes", num_classes, 2, kMaxClasses);
  check_range("the input size", input_size, kMinInputSize, kMaxInputSize);
  // Written so that NaN fails too.
  if (!(arch.dropout >= 0 && arch.dropout < 1)) {
    throw UsageError("dropout is " + std::to_string(arch.dropout) + "; it must be in [0, 1)");
  }
  std::map<std::string, TensorSpec> out;
  if (arch.name == "baseline") {
    const int side = baseline_feature_side(input_size);
    if (side < 1) {
      throw UsageError("the baseline network pools a " + std::to_string(input_size) +
                       "-pixel input to nothing; it needs at least 24 pixels");
    }
    add_conv(out, "features.0", 1, 32);
    add_conv(out, "features.2", 32, 64);
    add_conv(out, "features.6", 64, 128);
    add_conv(out, "features.9", 128, 128);
    add_linear(out, "classifier.0", std::int64_t{128} * side * side, 1024);
    add_linear(out, "classifier.3", 1024, num_classes);
  } else if (arch.name == "vgg") {
    if (arch.channels.empty()) throw UsageError("vgg needs at least one stage (channels)");
    check_range("the number of vgg stages", static_cast<std::int64_t>(arch.channels.size()), 1,
                kMaxStages);
    check_range("convs_per_stage", arch.convs_per_stage, 1, kMaxConvsPerStage);
    check_range("hidden", arch.hidden, 0, kMaxHidden);
    std::int64_t in = 1;
    int side = input_size;
    int conv = 0;
    for (std::size_t s = 0; s < arch.channels.size(); ++s) {
      check_range("the channels of vgg stage " + std::to_string(s + 1), arch.channels[s], 1,
                  kMaxChannels);
      for (int c = 0; c < arch.convs_per_stage; ++c, ++conv) {
        add_conv(out, "conv" + std::to_string(conv), in, arch.channels[s]);
        add_batchnorm(out, "bn" + std::to_string(conv), arch.channels[s]);
        in = arch.channels[s];
      }
      side /= 2;
    }
    if (side < 1) {
      throw UsageError("vgg with " + std::to_string(arch.channels.size()) + " stages pools a " +
                       std::to_string(input_size) + "-pixel input to nothing");
    }
    const std::int64_t flat = in * side * side;
    if (arch.hidden > 0) {
      add_linear(out, "head.2", flat, arch.hidden);
      add_batchnorm(out, "head.3", arch.hidden);
      add_linear(out, "head.6", arch.hidden, num_classes);
    } else {
      add_linear(out, "head.2", flat, num_classes);
    }
  } else {
    throw UsageError("unknown architecture '" + arch.name + "'; expected baseline or vgg");
  }
  std::int64_t total = 0;
  for (const auto& [name, t] : out) {
    std::int64_t n = 1;
    for (auto d : t.shape) n *= d;  // each factor is bounded above, so this cannot overflow
    total += n;
  }
  if (total > kMaxParameters) {
    throw UsageError("the network would have " + std::to_string(total) +
                     " parameters, more than the limit of " + std::to_string(kMaxParameters));
  }
  return out;
}

EmotionNet make_network(const ArchSpec& arch, int input_size, int num_classes) {
  network_tensor_specs(arch, input_size, num_classes);  // bounds, before any allocation
  if (arch.name == "baseline") {
    return std::make_shared<BaselineCnnImpl>(arch, input_size, num_classes);
  }
  return std::make_shared<VggNetImpl>(arch, input_size, num_classes);
}

std::int64_t count_parameters(torch::nn::Module& module) {
  std::int64_t n = 0;
  for (const auto& p : module.parameters()) n += p.numel();
  return n;
}

}  // namespace emomusic::nn
