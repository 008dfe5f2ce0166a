#pragma once
/// @file
/// One shard of a dataset's rows (core/shard.hpp), for jobs that split an evaluation.

#include "emomusic/core/shard.hpp"
#include "emomusic/data/dataset.hpp"

namespace emomusic::data {

/// The rows of `dataset` that `shard` takes (shard_range(): contiguous, in order); all of them
/// for {0, 1}. The source names the shard and its rows.
FaceDataset take_shard(const FaceDataset& dataset, const Shard& shard);

}  // namespace emomusic::data
