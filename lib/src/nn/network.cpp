#include "emomusic/nn/network.hpp"

#include <algorithm>
#include <cmath>

#include "baseline_cnn.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"
#include "residual_net.hpp"
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
              std::int64_t channels, std::int64_t kernel = 3) {
  out[name + ".weight"] = {"F32", {channels, in, kernel, kernel}};
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

void add_conv_batchnorm(std::map<std::string, TensorSpec>& out, const std::string& conv,
                        const std::string& norm, std::int64_t in, std::int64_t channels,
                        std::int64_t kernel = 3) {
  add_conv(out, conv, in, channels, kernel);
  add_batchnorm(out, norm, channels);
}

// dense_head.cpp's layers.
void add_dense_head(std::map<std::string, TensorSpec>& out, std::int64_t features,
                    const ArchSpec& arch, int num_classes) {
  if (arch.hidden > 0) {
    add_linear(out, "head.2", features, arch.hidden);
    add_batchnorm(out, "head.3", arch.hidden);
    add_linear(out, "head.6", arch.hidden, num_classes);
  } else {
    add_linear(out, "head.2", features, num_classes);
  }
}

// The bounds that the VGG and residual networks share: their stages' widths, depth and head.
void check_stages(const ArchSpec& arch) {
  if (arch.channels.empty()) {
    throw UsageError(arch.name + " needs at least one stage (channels)");
  }
  check_range("the number of " + arch.name + " stages",
              static_cast<std::int64_t>(arch.channels.size()), 1, kMaxStages);
  for (std::size_t s = 0; s < arch.channels.size(); ++s) {
    check_range("the channels of " + arch.name + " stage " + std::to_string(s + 1),
                arch.channels[s], 1, kMaxChannels);
  }
  check_range("convs_per_stage", arch.convs_per_stage, 1, kMaxConvsPerStage);
  check_range("hidden", arch.hidden, 0, kMaxHidden);
}

void add_vgg(std::map<std::string, TensorSpec>& out, const ArchSpec& arch, int input_size,
             int num_classes) {
  std::int64_t in = 1;
  int side = input_size;
  int conv = 0;
  for (const int channels : arch.channels) {
    for (int c = 0; c < arch.convs_per_stage; ++c, ++conv) {
      add_conv_batchnorm(out, "conv" + std::to_string(conv), "bn" + std::to_string(conv), in,
                         channels);
      in = channels;
    }
    side /= 2;
  }
  if (side < 1) {
    throw UsageError("vgg with " + std::to_string(arch.channels.size()) + " stages pools a " +
                     std::to_string(input_size) + "-pixel input to nothing");
  }
  add_dense_head(out, in * side * side, arch, num_classes);
}

void add_resnet(std::map<std::string, TensorSpec>& out, const ArchSpec& arch, int num_classes) {
  std::int64_t in = arch.channels.front();
  add_conv_batchnorm(out, "stem", "stem_bn", 1, in);
  int block = 0;
  for (const std::int64_t channels : arch.channels) {
    for (int b = 0; b < arch.convs_per_stage / 2; ++b, ++block) {
      const auto name = "block" + std::to_string(block) + ".";
      add_conv_batchnorm(out, name + "conv1", name + "bn1", in, channels);
      add_conv_batchnorm(out, name + "conv2", name + "bn2", channels, channels);
      // The first block of a stage halves the side: residual_net.cpp projects its input.
      if (b == 0) {
        add_conv_batchnorm(out, name + "proj", name + "proj_bn", in, channels, 1);
      }
      in = channels;
    }
  }
  add_dense_head(out, in, arch, num_classes);
}

}  // namespace

void check_architecture(const ArchSpec& arch) {
  // Written so that NaN fails too.
  if (!(arch.dropout >= 0 && arch.dropout < 1)) {
    throw UsageError("dropout is " + std::to_string(arch.dropout) + "; it must be in [0, 1)");
  }
  const auto& names = architecture_names();
  if (std::find(names.begin(), names.end(), arch.name) == names.end()) {
    throw UsageError("unknown architecture '" + excerpt(arch.name, 40) + "'; expected " +
                     join_names(names));
  }
  if (arch.name == "baseline") return;  // its widths are fixed
  check_stages(arch);
  if (arch.name == "resnet" && arch.convs_per_stage % 2 != 0) {
    throw UsageError("resnet's convs_per_stage is " + std::to_string(arch.convs_per_stage) +
                     "; it must be even (a residual block holds two convolutions)");
  }
}

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
  check_architecture(arch);
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
    add_vgg(out, arch, input_size, num_classes);
  } else {
    add_resnet(out, arch, num_classes);
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
  if (arch.name == "resnet") return std::make_shared<ResidualNetImpl>(arch, num_classes);
  return std::make_shared<VggNetImpl>(arch, input_size, num_classes);
}

std::int64_t count_parameters(torch::nn::Module& module) {
  std::int64_t n = 0;
  for (const auto& p : module.parameters()) n += p.numel();
  return n;
}

}  // namespace emomusic::nn
