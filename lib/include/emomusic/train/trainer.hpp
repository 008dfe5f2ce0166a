#pragma once
/// @file
/// The training loop of `emomusic train`.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "emomusic/core/cancel.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/data/dataset.hpp"
#include "emomusic/nn/model_spec.hpp"
#include "emomusic/nn/network.hpp"
#include "emomusic/train/augment.hpp"
#include "emomusic/train/schedule.hpp"

namespace emomusic::train {

class Communicator;

/// The optimizer of the training steps; sgd uses Nesterov momentum.
enum class Optimizer { kAdamW, kSgd };
/// The names of Optimizer's values, in its order: "adamw", "sgd".
const std::vector<std::string>& optimizer_names();

/// Loss weights against class imbalance (disgust is 1.5% of FER2013's training set), normalised
/// to mean 1: all equal, ∝ 1/√frequency, or ∝ 1/frequency.
enum class ClassWeights { kNone, kSqrt, kInverse };
/// The names of ClassWeights' values, in its order: "none", "sqrt", "inverse".
const std::vector<std::string>& class_weight_names();

/// The arithmetic of the training steps. Validation, evaluation and the saved model are float32
/// whatever it is.
enum class Precision {
  kFp32,
  /// Autocast to bfloat16 (convolutions and dense layers; the loss stays float32), the
  /// tensor-core format of current GPUs. On the CPU it goes through LibTorch's CPU autocast:
  /// 2.5 times as fast as float32 on a CPU with AMX (221 against 89 images/s, one thread), and
  /// 12 times slower where it is emulated, without bfloat16 instructions (cpu_features.hpp).
  kBf16,
};
/// The names of the Precision values, in their order: "fp32", "bf16".
const std::vector<std::string>& precision_names();
/// The Precision named `name`; throws UsageError naming the value for anything else.
Precision parse_precision(const std::string& name);

struct TrainOptions {
  nn::ArchSpec arch;
  /// Start from the weights of this model file (fine-tuning) instead of random ones. Its
  /// architecture replaces `arch`; its classes must be the 7 emotions. The input normalisation is
  /// measured anew on the training data (with `equalize`), and the network adapts to it.
  std::filesystem::path init;
  /// Contrast normalisation of every face, in training and (through the model file) inference.
  nn::Equalize equalize = nn::Equalize::kNone;
  int epochs = 30;
  int batch_size = 64;  ///< per rank in a data-parallel run (`group`)
  Optimizer optimizer = Optimizer::kAdamW;
  double weight_decay = 5e-4;
  double momentum = 0.9;
  ScheduleOptions schedule;
  /// The batch size `schedule.base_lr` is meant for (0: the one this run uses): the peak rate
  /// becomes scaled_learning_rate(base_lr, lr_reference_batch, batch_size, optimizer), so that
  /// a recipe found at one batch size carries over to a larger one.
  int lr_reference_batch = 0;
  Precision precision = Precision::kFp32;
  double label_smoothing = 0.1;
  ClassWeights class_weights = ClassWeights::kSqrt;
  /// mixup's Beta(α, α) parameter (augment.hpp, mixup()); 0: off. Applied with or without
  /// `augment`, after it.
  double mixup_alpha = 0;
  /// Knowledge distillation: model files whose mean prediction the network learns besides the
  /// labels, made on the same augmented and mixed faces in every step (empty: off). Each must
  /// take faces of the data's size, prepared with `equalize`.
  std::vector<std::filesystem::path> teachers;
  /// The teachers' share of the loss, in [0, 1]; the labels' cross-entropy has the rest.
  double distill_weight = 0.5;
  /// The softmax temperature of the teachers' and the network's predictions in that share: above
  /// 1 it brings out which wrong emotions the teachers find likely.
  double distill_temperature = 2.0;
  /// Early stopping: stop after this many epochs without a better validation accuracy (0: off).
  int patience = 0;
  bool augment = true;
  AugmentOptions augmentation;
  std::string device = "cpu";
  int threads = 0;  ///< CPU threads; 0 keeps LibTorch's default
  std::uint64_t seed = 42;

  /// The files the run reads besides `init` (the data): no output may be one of them.
  std::vector<std::filesystem::path> inputs;
  std::filesystem::path out;         ///< best model (by validation accuracy; last when no split)
  std::filesystem::path checkpoint;  ///< empty: beside `out` (<stem>.checkpoint.safetensors)
  bool resume = false;               ///< continue from the checkpoint
  /// Replace the model and checkpoint of an earlier run at `out`; without it (and without
  /// `resume`) a run refuses to start where one has been.
  bool overwrite = false;
  bool show_progress = true;
  nlohmann::json provenance;  ///< recorded in the model's training summary (command, data, …)
  /// Checked before every step; once cancelled, train_model() throws InterruptedError and leaves
  /// the checkpoint of the last finished epoch as it was. Copies of the options share it.
  CancelToken cancel;
  /// The other processes of a data-parallel run (train/distributed.hpp, docs/distributed.md);
  /// null: this process alone. Each rank trains on its share of every epoch with `batch_size`
  /// images per step, the gradients are averaged, and only rank 0 writes `out`, the checkpoint
  /// and the curves. The learning-rate scaling (lr_reference_batch) sees the global batch.
  std::shared_ptr<Communicator> group;
};

struct EpochRecord {
  int epoch = 0;
  double train_loss = 0, train_accuracy = 0;
  double val_loss = 0, val_accuracy = 0, val_macro_f1 = 0;
  double lr = 0;
  double seconds = 0;
  double images_per_second = 0;
};

struct TrainResult {
  std::vector<EpochRecord> history;
  int best_epoch = 0;
  double best_val_accuracy = 0;
  bool stopped_early = false;
};

/// The files written beside the model.
struct TrainArtifacts {
  std::filesystem::path checkpoint, metrics_csv, loss_png, accuracy_png;
};
TrainArtifacts artifacts_for(const TrainOptions& options);

/// A run would replace the model or checkpoint of an earlier one (TrainOptions::overwrite).
struct OutputExistsError : UsageError {
  OutputExistsError(const std::string& message, std::filesystem::path existing)
      : UsageError(message), path(std::move(existing)) {}
  std::filesystem::path path;
};

/// Checks what can be checked before any data is loaded: that no output (model, checkpoint,
/// metrics, curves) is one of the inputs (`inputs`, `init`, and the checkpoint a resumed run
/// reads) and each has its folder (InputError, core/output_files.hpp), that a resumed run has a
/// checkpoint (ModelError otherwise) and that a new one would not replace an earlier run's files
/// (OutputExistsError). train_model() checks it again.
void check_outputs(const TrainOptions& options);

/// Trains on `train` and validates on `val` (may be empty: then the last epoch's model is kept).
/// Writes the best model to options.out, a checkpoint every epoch, the metrics CSV and the
/// training-curve pictures. Runs with their own files may go on at once in different threads;
/// the LibTorch thread count and random seed they set are process-wide, so they are then not
/// reproducible.
TrainResult train_model(const TrainOptions& options, const data::FaceDataset& train,
                        const data::FaceDataset& val);

/// The peak learning rate for `batch` images per step from `lr`, which is meant for
/// `reference_batch` images: scaled linearly for sgd (Goyal et al. 2017, "Accurate, Large
/// Minibatch SGD") and by the square root for adamw (Malladi et al. 2022, "On the SDEs and
/// Scaling Rules for Adaptive Gradient Algorithms"). `lr` itself when reference_batch is 0.
/// Throws UsageError for a negative reference batch.
double scaled_learning_rate(double lr, int reference_batch, int batch, Optimizer optimizer);

/// Stores the convolution weights of `net` channels-last (NHWC), the layout cuDNN's fastest
/// kernels work in. The numbers are unchanged, and so are the model and checkpoint files, which
/// are written in the standard layout.
void use_channels_last(nn::EmotionNet& net);

/// Per-class loss weights of the kind `kind` for classes of `counts` images (float32, mean 1).
torch::Tensor class_weights(const std::vector<std::int64_t>& counts, ClassWeights kind);

}  // namespace emomusic::train
