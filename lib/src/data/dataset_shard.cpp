#include "emomusic/data/dataset_shard.hpp"

namespace emomusic::data {

FaceDataset take_shard(const FaceDataset& d, const Shard& s) {
  if (s.count == 1 || d.size() == 0) return d;
  const auto [first, last] = shard_range(static_cast<std::size_t>(d.size()), s);
  const auto begin = static_cast<std::int64_t>(first), n = static_cast<std::int64_t>(last - first);
  FaceDataset out = d;
  out.images = d.images.narrow(0, begin, n);
  out.labels = d.labels.narrow(0, begin, n);
  out.splits = d.splits.narrow(0, begin, n);
  out.source = d.source + " (shard " + std::to_string(s.index) + "/" + std::to_string(s.count) +
               ": rows " + std::to_string(first + 1) + "-" + std::to_string(last) + ")";
  return out;
}

}  // namespace emomusic::data
