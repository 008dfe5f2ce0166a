#include "dense_head.hpp"

namespace emomusic::nn {
namespace tnn = torch::nn;

tnn::Sequential make_dense_head(std::int64_t features, const ArchSpec& arch, int num_classes) {
  if (arch.hidden > 0) {
    return tnn::Sequential(tnn::Flatten(), tnn::Dropout(arch.dropout),
                           tnn::Linear(features, arch.hidden), tnn::BatchNorm1d(arch.hidden),
                           tnn::ReLU(), tnn::Dropout(arch.dropout),
                           tnn::Linear(arch.hidden, num_classes));
  }
  return tnn::Sequential(tnn::Flatten(), tnn::Dropout(arch.dropout),
                         tnn::Linear(features, num_classes));
}

}  // namespace emomusic::nn
