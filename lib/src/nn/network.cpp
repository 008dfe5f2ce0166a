#include "emomusic/nn/network.hpp"

#include "baseline_cnn.hpp"
#include "emomusic/core/error.hpp"
#include "vgg_net.hpp"

namespace emomusic::nn {

EmotionNet make_network(const ArchSpec& arch, int input_size, int num_classes) {
  if (num_classes < 2) throw UsageError("a classifier needs at least 2 classes");
  if (input_size < 16)
    throw UsageError("input size " + std::to_string(input_size) + " is too small");
  if (arch.dropout < 0 || arch.dropout >= 1) throw UsageError("dropout must be in [0, 1)");
  if (arch.name == "baseline") {
    return std::make_shared<BaselineCnnImpl>(arch, input_size, num_classes);
  }
  if (arch.name == "vgg") {
    if (arch.channels.empty() || arch.convs_per_stage < 1) {
      throw UsageError("vgg needs at least one stage and one conv per stage");
    }
    if ((input_size >> arch.channels.size()) < 1) {
      throw UsageError("vgg with " + std::to_string(arch.channels.size()) + " stages pools a " +
                       std::to_string(input_size) + "-pixel input to nothing");
    }
    return std::make_shared<VggNetImpl>(arch, input_size, num_classes);
  }
  throw UsageError("unknown architecture '" + arch.name + "'; expected baseline or vgg");
}

std::int64_t count_parameters(torch::nn::Module& module) {
  std::int64_t n = 0;
  for (const auto& p : module.parameters()) n += p.numel();
  return n;
}

}  // namespace emomusic::nn
