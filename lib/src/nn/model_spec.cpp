#include "emomusic/nn/model_spec.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>

#include "emomusic/core/error.hpp"
#include "emomusic/core/named_values.hpp"
#include "emomusic/core/text.hpp"

namespace emomusic::nn {
using nlohmann::json;

namespace {

// An integer field read from an untrusted file. nlohmann's get<int> casts a float or a too large
// integer without a word (1e10 channels would become some other number, maybe a plausible one),
// so non-integers are a type error and out-of-range values saturate, for the bounds checks of
// network_tensor_specs() to reject with the file's own number in the message.
int integer(const json& value, const char* key) {
  if (!value.is_number_integer()) {
    throw json::type_error::create(
        302, std::string("'") + key + "' must be an integer, not " + value.type_name(), &value);
  }
  if (value.is_number_unsigned()) {
    const auto v = value.get<std::uint64_t>();
    return v > static_cast<std::uint64_t>(INT_MAX) ? INT_MAX : static_cast<int>(v);
  }
  const auto v = value.get<std::int64_t>();
  return v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : static_cast<int>(v);
}

int integer_or(const json& j, const char* key, int fallback) {
  const auto it = j.find(key);
  return it == j.end() ? fallback : integer(*it, key);
}

}  // namespace

std::array<int, kEmotionCount> emotion_columns(const std::vector<std::string>& classes,
                                               const std::string& source) {
  if (classes.size() != static_cast<std::size_t>(kEmotionCount)) {
    throw ModelError(source + " has " + std::to_string(classes.size()) +
                     " classes; it needs the 7 FER2013 emotions");
  }
  std::array<int, kEmotionCount> column;
  column.fill(-1);
  for (std::size_t i = 0; i < classes.size(); ++i) {
    const auto e = parse_emotion(classes[i]);
    if (!e) {
      throw ModelError(source + ": class '" + excerpt(classes[i]) +
                       "' is not one of the 7 emotions");
    }
    int& c = column[to_index(*e)];
    if (c >= 0) {
      throw ModelError(source + ": classes '" + excerpt(classes[c]) + "' and '" +
                       excerpt(classes[i]) + "' are both " + std::string(to_string(*e)));
    }
    c = static_cast<int>(i);
  }
  return column;  // 7 distinct emotions among 7 classes: every column is set
}

const std::vector<std::string>& architecture_names() {
  static const std::vector<std::string> kNames = {"baseline", "vgg", "resnet"};
  return kNames;
}

void to_json(json& j, const ArchSpec& a) {
  j = {{"name", a.name},
       {"channels", a.channels},
       {"convs_per_stage", a.convs_per_stage},
       {"hidden", a.hidden},
       {"dropout", a.dropout}};
}

void from_json(const json& j, ArchSpec& a) {
  // Missing keys keep their defaults so that older files stay readable.
  a.name = j.value("name", a.name);
  if (const auto it = j.find("channels"); it != j.end()) {
    if (!it->is_array()) {
      throw json::type_error::create(302, "'channels' must be a list of integers", &*it);
    }
    a.channels.clear();
    for (const auto& c : *it) a.channels.push_back(integer(c, "channels"));
  }
  a.convs_per_stage = integer_or(j, "convs_per_stage", a.convs_per_stage);
  a.hidden = integer_or(j, "hidden", a.hidden);
  a.dropout = j.value("dropout", a.dropout);
}

const std::vector<std::string>& equalize_names() {
  static const std::vector<std::string> names{"none", "histogram"};
  return names;
}

Equalize parse_equalize(const std::string& name) {
  return parse_named<Equalize>(equalize_names(), name, "equalisation");
}

std::string to_string(Equalize equalize) {
  return name_of(equalize_names(), equalize);
}

void to_json(json& j, const InputSpec& s) {
  j = {{"size", s.size}, {"channels", 1}, {"equalize", to_string(s.equalize)},
       {"mean", s.mean}, {"std", s.std},  {"scale", "pixel/255"}};
}

void from_json(const json& j, InputSpec& s) {
  s.size = integer_or(j, "size", s.size);
  if (const auto it = j.find("equalize"); it != j.end()) {
    if (!it->is_string()) throw json::type_error::create(302, "'equalize' must be a string", &*it);
    try {
      s.equalize = parse_equalize(it->get<std::string>());
    } catch (const UsageError& e) {
      throw json::type_error::create(302, e.what(), &*it);
    }
  }
  s.mean = j.value("mean", s.mean);
  s.std = j.value("std", s.std);
}

}  // namespace emomusic::nn
