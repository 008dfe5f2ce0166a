#include "emomusic/data/dataset.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "emomusic/core/emotion.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"

namespace emomusic::data {

std::string canonical_split(const std::string& name) {
  const std::string l = ascii_lower(name);
  if (l == "training" || l == "train") return kTraining;
  if (l == "publictest" || l == "public" || l == "val" || l == "valid" || l == "validation") {
    return kPublicTest;
  }
  if (l == "privatetest" || l == "private") return kPrivateTest;
  if (l == "test") return kTest;
  if (l == "all") return kAll;
  return name;
}

bool FaceDataset::has_split(const std::string& name) const {
  const std::string c = canonical_split(name);
  return std::find(split_names.begin(), split_names.end(), c) != split_names.end();
}

FaceDataset FaceDataset::split(const std::string& name) const {
  const std::string c = canonical_split(name);
  if (c == kAll) return *this;
  const auto it = std::find(split_names.begin(), split_names.end(), c);
  if (it == split_names.end()) {
    std::string have;
    for (const auto& s : split_names) have += (have.empty() ? "" : ", ") + s;
    throw UsageError("split '" + excerpt(name, 40) + "' is not in " + source +
                     " (it has: " + excerpt(have, 200) + ", all)");
  }
  const auto index = static_cast<int64_t>(it - split_names.begin());
  const auto rows = (splits == index).nonzero().squeeze(1);
  FaceDataset out;
  out.images = images.index_select(0, rows);
  out.labels = labels.index_select(0, rows);
  out.splits = torch::zeros({rows.size(0)}, torch::kUInt8);
  out.split_names = {c};
  out.source = source + " [" + c + "]";
  return out;
}

std::vector<std::int64_t> FaceDataset::class_counts() const {
  std::vector<std::int64_t> counts(kEmotionCount, 0);
  if (size() == 0) return counts;
  const auto bins = torch::bincount(labels, {}, kEmotionCount);
  for (int i = 0; i < kEmotionCount; ++i) counts[static_cast<size_t>(i)] = bins[i].item<int64_t>();
  return counts;
}

std::string content_fingerprint(const FaceDataset& d) {
  std::uint64_t h = 1469598103934665603ull;
  const auto add = [&h](const torch::Tensor& t) {
    if (!t.defined()) return;
    const auto c = t.contiguous();
    const auto* p = static_cast<const unsigned char*>(c.data_ptr());
    const auto n = static_cast<std::size_t>(c.numel()) * static_cast<std::size_t>(c.element_size());
    for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  };
  add(d.images);
  add(d.labels.defined() ? d.labels.to(torch::kInt64) : d.labels);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

std::string default_eval_split(const FaceDataset& d) {
  for (const char* s : {kPrivateTest, kPublicTest, kTest}) {
    if (d.has_split(s)) return s;
  }
  return kAll;
}

std::string default_validation_split(const FaceDataset& d) {
  for (const char* s : {kPublicTest, kTest}) {
    if (d.has_split(s)) return s;
  }
  return {};
}

}  // namespace emomusic::data
