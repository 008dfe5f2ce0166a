#include "emomusic/nn/tta.hpp"

#include "emomusic/core/named_values.hpp"

namespace emomusic::nn {

const std::vector<std::string>& tta_names() {
  static const std::vector<std::string> names{"none", "flip", "tencrop"};  // in Tta's order
  return names;
}

Tta parse_tta(const std::string& name) {
  return parse_named<Tta>(tta_names(), name, "test-time augmentation");
}

std::string to_string(Tta tta) {
  return name_of(tta_names(), tta);
}

}  // namespace emomusic::nn
