#pragma once
/// @file
/// One deterministic share of a batch of inputs, so that N independent processes (a Slurm job
/// array, a Kubernetes indexed Job) cover a large input between them with no coordination.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace emomusic {

/// Shard `index` of `count` (0 ≤ index < count); {0, 1} is the whole input.
struct Shard {
  int index = 0;
  int count = 1;
};

/// "I/N" (e.g. "2/8"). Throws UsageError naming the text unless 0 ≤ I < N.
Shard parse_shard(const std::string& text);
/// "I/N", as parse_shard() reads it.
std::string to_string(const Shard& shard);

/// The items [first, last) of `total` that `shard` takes: contiguous and in order, so that the
/// outputs of shards 0, 1, … N-1 concatenated (`cat`) are in the order of the unsharded run.
/// Shard sizes differ by at most one; every item is in exactly one shard.
std::pair<std::size_t, std::size_t> shard_range(std::size_t total, const Shard& shard);

/// The items of `items` that `shard` takes. The order of `items` must not depend on the process
/// (sort paths first), or shards overlap.
template <class T>
std::vector<T> take_shard(const std::vector<T>& items, const Shard& shard) {
  const auto [first, last] = shard_range(items.size(), shard);
  return {items.begin() + static_cast<std::ptrdiff_t>(first),
          items.begin() + static_cast<std::ptrdiff_t>(last)};
}

}  // namespace emomusic
