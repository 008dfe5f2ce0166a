#pragma once
// The hooks by which train_model() runs data-parallel (docs/distributed.md). Each does nothing
// for a single process, so the loop reads the same either way.

#include <cstdint>
#include <nlohmann/json.hpp>

#include "emomusic/nn/network.hpp"
#include "emomusic/train/distributed.hpp"
#include "emomusic/train/trainer.hpp"

namespace emomusic::train {

class DataParallel {
 public:
  explicit DataParallel(Communicator* group) : group_(group) {}

  bool active() const { return group_ != nullptr; }
  int world() const { return group_ ? group_->world_size() : 1; }
  int rank() const { return group_ ? group_->rank() : 0; }
  /// Rank 0 alone writes the model, checkpoint and curves and shows progress.
  bool writes() const { return rank() == 0; }

  /// Refuses a job whose ranks differ in `identity` (model, options, data), then gives every rank
  /// rank 0's weights. Ranks other than 0 then draw their own augmentations: `seed` is the run's.
  void start(nn::EmotionNet& net, const nlohmann::json& identity, std::uint64_t seed) const;
  /// This rank's share of the epoch's order, which is rank 0's on every rank.
  torch::Tensor share(torch::Tensor order) const;
  /// Averages the gradients; whether any rank asked to stop (`stop` is this rank's request).
  bool sync_gradients(nn::EmotionNet& net, bool stop);
  /// The epoch's sums over all ranks, in place.
  void sum_epoch(torch::Tensor& loss_sum, torch::Tensor& correct, std::int64_t& seen) const;
  /// Per-rank batch-norm statistics are averaged at the end of each epoch; logs the time the
  /// gradient exchange took per step.
  void end_epoch(nn::EmotionNet& net);
  /// Every rank validates the whole set (no rank waits on another's validation past the
  /// timeout); rank 0's figures then decide for all, so that the schedule, early stopping and
  /// "best" agree even where float rounding differs between ranks.
  void agree_on_validation(EpochRecord& record) const;
  /// Throws unless every rank ends with rank 0's weights.
  void finish(nn::EmotionNet& net) const;

 private:
  Communicator* group_;
  double sync_seconds_ = 0;  ///< in sync_gradients() since the last end_epoch()
  std::int64_t syncs_ = 0;
};

}  // namespace emomusic::train
