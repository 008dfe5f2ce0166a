#pragma once
// The steps of train_model(), each a function so that the loop reads as what it does and each step
// can be tested alone (tests/train/training_steps_test.cpp):
//   TrainingRun (set-up) → restore (when resuming) → begin →
//   for each epoch: train_epoch, validate, save_best, write_checkpoint, should_stop → finish.

#include <torch/torch.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>

#include "data_parallel.hpp"
#include "device_scopes.hpp"
#include "distillation.hpp"
#include "emomusic/data/dataset.hpp"
#include "emomusic/nn/model_spec.hpp"
#include "emomusic/nn/network.hpp"
#include "emomusic/train/schedule.hpp"
#include "emomusic/train/trainer.hpp"

namespace emomusic::train {

/// A run as its steps share it. Set up in this order: the options and data checked (first, so
/// that nothing is touched for a run that cannot start), the process-wide thread count and seed,
/// cuDNN's benchmark mode for the run's lifetime, the network (from `init` when given) on the
/// device, its optimizer, schedule, loss weights and teachers. It keeps references to `options`,
/// `train` and `val`, which must outlive it.
struct TrainingRun {
  TrainingRun(const TrainOptions& options, const data::FaceDataset& train,
              const data::FaceDataset& val);

  int global_batch() const { return options.batch_size * parallel.world(); }

  const TrainOptions& options;
  const data::FaceDataset& train;
  const data::FaceDataset& val;
  DataParallel parallel;
  torch::Device device;
  CudnnBenchmark cudnn_benchmark;
  /// options.schedule with the peak rate scaled to global_batch() (scaled_learning_rate()).
  ScheduleOptions schedule_options;
  nn::ModelSpec spec;
  nn::EmotionNet net;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  LearningRate schedule;
  torch::Tensor loss_weights;  ///< per class (class_weights()), on the device
  Teachers teachers;           ///< options.teachers, on the device
  TrainArtifacts files;
  /// What the run trains and validates on (sources, sizes, content fingerprints), kept in the
  /// checkpoint so that a resumed run given other data is refused.
  nlohmann::json data_identity;
};

/// How far the loop has come; all of it goes into the checkpoint.
struct LoopState {
  TrainResult result;
  int epochs_without_improvement = 0;
};

/// Continues from run.files.checkpoint: its weights, optimizer state, schedule, input statistics
/// and loop state replace the fresh run's. Returns the first epoch still to train. Throws
/// ModelError for a missing or damaged checkpoint and UsageError for one trained on other data.
int restore(TrainingRun& run, LoopState& state);

/// Brings the ranks of a data-parallel run together (refusing ranks that disagree on the run) and
/// says what is about to be trained.
void begin(TrainingRun& run, int start_epoch);

/// The training images on the run's device, moved there once (74 MB for FER2013) so that each
/// step gathers its batch there instead of copying it from the host, and this rank's share of an
/// epoch (all of it for a single process; padded to equal sizes).
struct EpochBatches {
  explicit EpochBatches(const TrainingRun& run);
  torch::Tensor images, labels;
  std::int64_t share_size = 0;
  std::int64_t steps_per_epoch = 0;
};

/// One epoch of training steps, with its progress bar. Returns the epoch's record with its
/// training loss and accuracy, learning rate and images per second (the validation figures and
/// seconds still 0). Throws InterruptedError when options.cancel is cancelled (naming the epoch
/// the checkpoint holds), and Error naming the steps when the loss becomes NaN or infinite.
EpochRecord train_epoch(TrainingRun& run, const EpochBatches& batches, int epoch);

/// Fills the validation figures of `record` from the network as it is now (left 0 without a
/// validation set); in a data-parallel run rank 0's figures then count for all.
void validate(TrainingRun& run, EpochRecord& record);

/// Whether `record` is the best epoch so far (every epoch is, without a validation set). If it
/// is, it becomes state's best and rank 0 writes the model to options.out (replaced atomically,
/// with its training summary); if not, nothing is written and one more epoch counts as without
/// improvement.
bool save_best(TrainingRun& run, LoopState& state, const EpochRecord& record);

/// The epoch's line in the log; `saved`: save_best() kept it.
void log_epoch(const TrainingRun& run, const EpochRecord& record, bool saved);

/// Rank 0 writes the checkpoint (weights, optimizer, schedule, input statistics, `state`) that
/// restore() reads, and the metrics CSV and curves of state's history.
void write_checkpoint(TrainingRun& run, const LoopState& state);

/// Early stopping: whether `patience` epochs (0: never) have gone by without improvement; if so,
/// marks the result as stopped early.
bool should_stop(int patience, LoopState& state);

/// Checks that every rank ends with the same weights, and says how the run went.
void finish(TrainingRun& run, const LoopState& state,
            std::chrono::steady_clock::time_point run_start);

/// Seconds from `start` until now.
double seconds_since(std::chrono::steady_clock::time_point start);

}  // namespace emomusic::train
