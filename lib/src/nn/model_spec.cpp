#include "emomusic/nn/model_spec.hpp"

namespace emomusic::nn {

const std::vector<std::string>& architecture_names() {
  static const std::vector<std::string> kNames = {"baseline", "vgg"};
  return kNames;
}

void to_json(nlohmann::json& j, const ArchSpec& a) {
  j = {{"name", a.name},
       {"channels", a.channels},
       {"convs_per_stage", a.convs_per_stage},
       {"hidden", a.hidden},
       {"dropout", a.dropout}};
}

void from_json(const nlohmann::json& j, ArchSpec& a) {
  // Missing keys keep their defaults so that older files stay readable.
  a.name = j.value("name", a.name);
  a.channels = j.value("channels", a.channels);
  a.convs_per_stage = j.value("convs_per_stage", a.convs_per_stage);
  a.hidden = j.value("hidden", a.hidden);
  a.dropout = j.value("dropout", a.dropout);
}

void to_json(nlohmann::json& j, const InputSpec& s) {
  j = {{"size", s.size}, {"channels", 1}, {"mean", s.mean}, {"std", s.std}, {"scale", "pixel/255"}};
}

void from_json(const nlohmann::json& j, InputSpec& s) {
  s.size = j.value("size", s.size);
  s.mean = j.value("mean", s.mean);
  s.std = j.value("std", s.std);
}

}  // namespace emomusic::nn
