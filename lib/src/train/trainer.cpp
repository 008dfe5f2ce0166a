#include "emomusic/train/trainer.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "emomusic/core/error.hpp"
#include "emomusic/core/named_values.hpp"
#include "emomusic/core/output_files.hpp"
#include "emomusic/nn/network.hpp"
#include "emomusic/train/option_ranges.hpp"
#include "training_run.hpp"

namespace emomusic::train {
namespace fs = std::filesystem;

const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names{"adamw", "sgd"};  // in Optimizer's order
  return names;
}

const std::vector<std::string>& class_weight_names() {
  // In ClassWeights' order.
  static const std::vector<std::string> names{"none", "sqrt", "inverse"};
  return names;
}

const std::vector<std::string>& precision_names() {
  static const std::vector<std::string> names{"fp32", "bf16"};
  return names;
}

Precision parse_precision(const std::string& name) {
  return parse_named<Precision>(precision_names(), name, "precision");
}

void check_options(const TrainOptions& o) {
  check_range(o.epochs, kEpochsRange, "the epoch count");
  // At least 2: batch norm needs two images to measure a variance.
  check_range(o.batch_size, kTrainBatchRange, "the batch size");
  check_range(o.lr_reference_batch, kLrReferenceBatchRange, "the learning rate's reference batch");
  check_range(o.weight_decay, kWeightDecayRange, "the weight decay");
  check_range(o.momentum, kMomentumRange, "the momentum");
  check_range(o.label_smoothing, kLabelSmoothingRange, "label smoothing");
  check_range(o.mixup_alpha, kMixupAlphaRange, "mixup's alpha");
  check_range(o.distill_weight, kDistillWeightRange, "the distillation weight");
  check_range(o.distill_temperature, kDistillTemperatureRange, "the distillation temperature");
  check_range(o.patience, kPatienceRange, "the patience");
  check_range(o.threads, kThreadsRange, "the thread count");
  check_range(o.schedule.base_lr, kLearningRateRange, "the learning rate");
  check_range(o.schedule.warmup_epochs, kWarmupEpochsRange, "the warm-up");
  const AugmentOptions& a = o.augmentation;
  check_range(a.max_shift, kMaxShiftRange, "the augmentation's shift");
  check_range(a.min_scale, kScaleRange, "the augmentation's smallest zoom");
  check_range(a.max_scale, kScaleRange, "the augmentation's largest zoom");
  if (a.min_scale > a.max_scale) {
    throw UsageError(fmt::format("the augmentation's smallest zoom {} is above its largest {}",
                                 a.min_scale, a.max_scale));
  }
  check_range(a.max_rotation_deg, kRotationRange, "the augmentation's rotation");
  check_range(a.max_shear, kShearRange, "the augmentation's shear");
  check_range(a.erase_probability, kProbabilityRange, "the erasing probability");
  check_range(a.brightness, kBrightnessRange, "the brightness augmentation");
  check_range(a.contrast, kContrastRange, "the contrast augmentation");
  check_range(a.gamma, kContrastRange, "the gamma augmentation");
  check_range(a.blur_probability, kProbabilityRange, "the blur probability");
  check_range(a.noise, kNoiseRange, "the noise augmentation");
  // A starting model brings its own architecture, checked when it is read.
  if (o.init.empty()) nn::check_architecture(o.arch);
}

void check_outputs(const TrainOptions& o) {
  if (o.out.empty()) return;  // validate() says so
  const auto files = artifacts_for(o);
  // First, so that a run asked to replace its own data says so rather than "a model is there".
  std::vector<fs::path> inputs = o.inputs;
  inputs.push_back(o.init);
  inputs.insert(inputs.end(), o.teachers.begin(), o.teachers.end());
  std::vector<fs::path> outputs{o.out, files.metrics_csv, files.loss_png, files.accuracy_png};
  // A resumed run reads its checkpoint and then replaces it, as it should.
  (o.resume ? inputs : outputs).push_back(files.checkpoint);
  check_output_files(inputs, outputs);
  std::error_code ec;
  if (o.resume) {
    if (!fs::exists(files.checkpoint, ec)) {
      throw ModelError(files.checkpoint.string() + ": no checkpoint to resume from");
    }
    return;
  }
  if (o.overwrite) return;
  // Hours of training sit in these two files; starting over must be asked for, not a default.
  if (fs::exists(files.checkpoint, ec)) {
    throw OutputExistsError(files.checkpoint.string() +
                                ": holds the checkpoint of an earlier run, which this run would "
                                "replace; resume that run, or start over replacing it",
                            files.checkpoint);
  }
  if (fs::exists(o.out, ec)) {
    throw OutputExistsError(o.out.string() +
                                ": a model is already there, which this run would replace; choose "
                                "another output file, or start over replacing it",
                            o.out);
  }
}

torch::Tensor class_weights(const std::vector<std::int64_t>& counts, ClassWeights kind) {
  const auto c = torch::tensor(std::vector<double>(counts.begin(), counts.end()), torch::kFloat64)
                     .clamp_min(1.0);
  torch::Tensor w;
  switch (kind) {
    case ClassWeights::kNone:
      w = torch::ones_like(c);
      break;
    case ClassWeights::kSqrt:
      w = 1.0 / torch::sqrt(c);
      break;
    case ClassWeights::kInverse:
      w = 1.0 / c;
      break;
  }
  return (w / w.mean()).to(torch::kFloat32);
}

double scaled_learning_rate(double lr, int reference_batch, int batch, Optimizer optimizer) {
  if (reference_batch < 0) {
    throw UsageError("the batch size a learning rate is meant for must be positive, not " +
                     std::to_string(reference_batch));
  }
  const double ratio = reference_batch == 0
                           ? 1.0
                           : static_cast<double>(batch) / static_cast<double>(reference_batch);
  return optimizer == Optimizer::kSgd ? lr * ratio : lr * std::sqrt(ratio);
}

void use_channels_last(nn::EmotionNet& net) {
  torch::NoGradGuard no_grad;
  // set_data keeps each parameter the same tensor, so an optimizer holding it is unaffected.
  for (auto& p : net->parameters()) {
    if (p.dim() == 4) p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
  }
}

TrainArtifacts artifacts_for(const TrainOptions& o) {
  fs::path stem = o.out;
  stem.replace_extension();
  const auto beside = [&](const char* suffix) { return fs::path(stem.string() + suffix); };
  return {o.checkpoint.empty() ? beside(".checkpoint.safetensors") : o.checkpoint,
          beside(".metrics.csv"), beside(".loss.png"), beside(".accuracy.png")};
}

TrainResult train_model(const TrainOptions& o, const data::FaceDataset& train,
                        const data::FaceDataset& val) {
  TrainingRun run(o, train, val);
  LoopState state;
  const int start_epoch = o.resume ? restore(run, state) : 1;
  begin(run, start_epoch);
  const EpochBatches batches(run);
  const auto run_start = std::chrono::steady_clock::now();
  for (int epoch = start_epoch; epoch <= o.epochs; ++epoch) {
    const auto epoch_start = std::chrono::steady_clock::now();
    EpochRecord record = train_epoch(run, batches, epoch);
    validate(run, record);
    record.seconds = seconds_since(epoch_start);
    state.result.history.push_back(record);
    run.schedule.end_epoch(record.val_accuracy);
    const bool saved = save_best(run, state, record);
    log_epoch(run, record, saved);
    write_checkpoint(run, state);
    if (should_stop(o.patience, state)) break;
  }
  finish(run, state, run_start);
  return state.result;
}

}  // namespace emomusic::train
