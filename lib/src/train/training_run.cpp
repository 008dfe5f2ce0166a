#include "training_run.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "checkpoint.hpp"
#include "emomusic/core/emotion.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/named_values.hpp"
#include "emomusic/core/progress.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/nn/class_prior.hpp"
#include "emomusic/nn/model_file.hpp"
#include "emomusic/nn/preprocess.hpp"
#include "emomusic/train/cpu_features.hpp"
#include "emomusic/train/evaluate.hpp"
#include "emomusic/train/option_ranges.hpp"
#include "history.hpp"
#include "model_fit.hpp"

namespace emomusic::train {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::vector<std::string> class_names() {
  const auto& n = emotion_names();
  return {n.begin(), n.end()};
}

// The training faces per class, by name: the prior that inference may divide out
// (nn/class_prior.hpp).
json class_counts_json(const data::FaceDataset& train) {
  const auto counts = train.class_counts();
  json j = json::object();
  for (int e = 0; e < kEmotionCount; ++e) j[std::string(emotion_names()[e])] = counts[e];
  return j;
}

// Mean and spread of the training pixels as the network will see them (after `equalize`), so its
// inputs are near zero mean, unit variance.
nn::InputSpec input_statistics(const data::FaceDataset& train, nn::Equalize equalize) {
  nn::InputSpec s;
  s.equalize = equalize;
  const auto faces =
      equalize == nn::Equalize::kNone ? train.images : nn::equalize_histograms(train.images);
  const auto x = faces.to(torch::kFloat32).div_(255.0);
  s.mean = x.mean().item<double>();
  // Constant images (a degenerate data set) have std 0, which no model file may hold.
  s.std = std::max(x.std().item<double>(), nn::kMinInputStd);
  return s;
}

// The network of a model file to fine-tune, checked to fit this run: same input size (the data's)
// and the 7 emotions in the order training labels use.
nn::EmotionNet initial_network(const fs::path& path, nn::ModelSpec& spec) {
  auto model = nn::load_model(path);
  const auto columns = nn::emotion_columns(model.spec.classes, path.string());
  for (int e = 0; e < kEmotionCount; ++e) {
    if (columns[e] != e) {
      throw ModelError(path.string() + ": lists the emotions in another order (" +
                       join_names(model.spec.classes) + ") than training labels do (" +
                       join_names(spec.classes) + ")");
    }
  }
  check_face_size(path, model.spec.input, spec.input);
  spec.arch = model.spec.arch;
  spdlog::info("starting from the weights of {} ({})", path.string(), spec.arch.name);
  return model.net;
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainOptions& o,
                                                        nn::EmotionNet& net) {
  switch (o.optimizer) {
    case Optimizer::kAdamW:
      return std::make_unique<torch::optim::AdamW>(
          net->parameters(),
          torch::optim::AdamWOptions(o.schedule.base_lr).weight_decay(o.weight_decay));
    case Optimizer::kSgd:
      return std::make_unique<torch::optim::SGD>(net->parameters(),
                                                 torch::optim::SGDOptions(o.schedule.base_lr)
                                                     .momentum(o.momentum)
                                                     .nesterov(true)
                                                     .weight_decay(o.weight_decay));
  }
  throw std::logic_error("an Optimizer without its case");
}

void set_lr(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

// How often the loss and accuracy of the running epoch are read back from the device. Reading
// waits for the device to finish its queued work, which per step would idle a GPU between steps.
constexpr double kReadIntervalSeconds = 0.5;

// Everything about the options and data that can be checked before the run is set up.
void check_run(const TrainOptions& o, const data::FaceDataset& train, int world) {
  check_options(o);
  if (o.out.empty()) throw UsageError("no output model file was given");
  check_outputs(o);
  if (train.size() < static_cast<std::int64_t>(o.batch_size) * world) {
    throw InputError(train.source + ": " + std::to_string(train.size()) +
                     " training images, fewer than one batch of " + std::to_string(o.batch_size) +
                     (world > 1 ? " for each of " + std::to_string(world) + " ranks" : ""));
  }
}

// What the run trains and validates on, kept in the checkpoint: a resumed run given other data
// would otherwise carry on as if nothing had changed, mixing two datasets in one model.
json identity_of(const data::FaceDataset& train, const data::FaceDataset& val) {
  const auto one = [](const data::FaceDataset& d) {
    return json{
        {"source", d.source}, {"images", d.size()}, {"fingerprint", data::content_fingerprint(d)}};
  };
  return {{"train", one(train)}, {"val", one(val)}};
}

void check_same_data(const json& state, const json& now, const fs::path& checkpoint) {
  if (!state.contains("data")) {
    spdlog::warn(
        "{}: this checkpoint predates data fingerprints; cannot check that this is the "
        "data it was trained on",
        checkpoint.string());
    return;
  }
  for (const char* part : {"train", "val"}) {
    const json& was = state.at("data").at(part);
    const json& is = now.at(part);
    if (was.at("fingerprint") == is.at("fingerprint")) continue;
    throw UsageError(fmt::format(
        "{}: this checkpoint was trained on other data: its {} set was '{}' ({} images, "
        "fingerprint {}), this run's is '{}' ({} images, fingerprint {}); resume it with the "
        "data it started with, or start a new run",
        checkpoint.string(), std::string(part) == "train" ? "training" : "validation",
        excerpt(was.at("source").get<std::string>(), 200), was.at("images").get<std::int64_t>(),
        was.at("fingerprint").get<std::string>(), excerpt(is.at("source").get<std::string>(), 200),
        is.at("images").get<std::int64_t>(), is.at("fingerprint").get<std::string>()));
  }
}

json file_names(const std::vector<fs::path>& paths) {
  json names = json::array();
  for (const auto& p : paths) names.push_back(p.filename().string());
  return names;
}

// What every rank of a data-parallel run must agree on; where is not part of it (each rank has its
// own threads and device).
json run_identity(const TrainOptions& o, const nn::ModelSpec& spec, const json& data,
                  int start_epoch, int world) {
  const auto& a = o.augmentation;
  return {
      {"arch", spec.arch},
      {"input", spec.input},
      {"init", o.init.filename().string()},
      // The fingerprints, not where each rank found its copy of the data.
      {"train_data", data.at("train").at("fingerprint")},
      {"val_data", data.at("val").at("fingerprint")},
      {"world_size", world},
      {"start_epoch", start_epoch},
      {"epochs", o.epochs},
      {"batch_size", o.batch_size},
      {"optimizer", name_of(optimizer_names(), o.optimizer)},
      {"weight_decay", o.weight_decay},
      {"momentum", o.momentum},
      {"schedule",
       {name_of(schedule_names(), o.schedule.kind), o.schedule.base_lr, o.schedule.warmup_epochs,
        o.schedule.min_lr_ratio, o.schedule.plateau_factor, o.schedule.plateau_patience}},
      {"lr_reference_batch", o.lr_reference_batch},
      {"precision", name_of(precision_names(), o.precision)},
      {"label_smoothing", o.label_smoothing},
      {"class_weights", name_of(class_weight_names(), o.class_weights)},
      {"mixup_alpha", o.mixup_alpha},
      {"teachers", file_names(o.teachers)},
      {"distill_weight", o.distill_weight},
      {"distill_temperature", o.distill_temperature},
      {"patience", o.patience},
      {"augment", o.augment},
      {"augmentation",
       {a.max_shift, a.min_scale, a.max_scale, a.max_rotation_deg, a.max_shear, a.flip,
        a.erase_probability, a.erase_min_area, a.erase_max_area, a.brightness, a.contrast, a.gamma,
        a.blur_probability, a.noise}},
      {"seed", o.seed}};
}

// Checks the options and data, then sets what is process-wide: LibTorch's thread count, and the
// seed, before the network draws its weights. Returns the device to train on.
torch::Device set_up_process(const TrainOptions& o, const data::FaceDataset& train, int world) {
  check_run(o, train, world);
  const torch::Device device = nn::parse_device(o.device);
  if (o.threads > 0) torch::set_num_threads(o.threads);
  torch::manual_seed(o.seed);
  return device;
}

ScheduleOptions scaled_schedule(const TrainOptions& o, int global_batch) {
  ScheduleOptions s = o.schedule;
  s.base_lr =
      scaled_learning_rate(o.schedule.base_lr, o.lr_reference_batch, global_batch, o.optimizer);
  return s;
}

nn::ModelSpec new_spec(const TrainOptions& o, const data::FaceDataset& train) {
  nn::ModelSpec spec;
  spec.arch = o.arch;
  spec.input = input_statistics(train, o.equalize);
  spec.classes = class_names();
  return spec;
}

// The network to train, in training mode on `device`: new, or the init's, whose architecture then
// replaces spec's.
nn::EmotionNet new_network(const TrainOptions& o, nn::ModelSpec& spec,
                           const torch::Device& device) {
  nn::EmotionNet net = make_network(spec.arch, spec.input.size, kEmotionCount);
  // Also when resuming: the checkpoint then replaces the weights, but has the init's architecture.
  if (!o.init.empty()) net = initial_network(o.init, spec);
  net->train();
  net->to(device);
  // Not on the CPU, where LibTorch 1.13 trains channels-last about 7% slower (83 against 89
  // images/s, one thread). The inputs need no conversion: with one channel, NCHW is NHWC.
  if (device.is_cuda()) use_channels_last(net);
  return net;
}

}  // namespace

TrainingRun::TrainingRun(const TrainOptions& o, const data::FaceDataset& train_set,
                         const data::FaceDataset& val_set)
    : options(o),
      train(train_set),
      val(val_set),
      parallel(o.group.get()),
      device(set_up_process(o, train_set, parallel.world())),
      cudnn_benchmark(device.is_cuda()),
      schedule_options(scaled_schedule(o, global_batch())),
      spec(new_spec(o, train_set)),
      net(new_network(o, spec, device)),
      optimizer(make_optimizer(o, net)),
      schedule(schedule_options, o.epochs),
      loss_weights(class_weights(train_set.class_counts(), o.class_weights).to(device)),
      teachers(o.teachers, spec.input, device),
      files(artifacts_for(o)),
      data_identity(identity_of(train_set, val_set)) {}

int restore(TrainingRun& run, LoopState& state) {
  const json saved = load_checkpoint(run.files.checkpoint, run.net, run.spec, *run.optimizer);
  run.net->to(run.device);
  TrainResult& result = state.result;
  try {
    check_same_data(saved, run.data_identity, run.files.checkpoint);
    for (const auto& r : saved.at("history")) result.history.push_back(epoch_from_json(r));
    result.best_epoch = saved.at("best_epoch");
    result.best_val_accuracy = saved.at("best_val_accuracy");
    state.epochs_without_improvement = saved.value("epochs_without_improvement", 0);
    run.schedule.restore(saved.at("schedule"));
    run.spec.input = saved.at("input").get<nn::InputSpec>();
  } catch (const json::exception& e) {
    throw ModelError(run.files.checkpoint.string() +
                     ": the checkpoint's training state is damaged (" + excerpt(e.what(), 200) +
                     ")");
  }
  const int start_epoch = static_cast<int>(result.history.size()) + 1;
  // A different seed per epoch keeps a resumed run from replaying the first epochs' shuffles.
  torch::manual_seed(run.options.seed + static_cast<std::uint64_t>(start_epoch));
  spdlog::info("resuming {} at epoch {} (best so far {:.2f}% at epoch {})",
               run.files.checkpoint.string(), start_epoch, 100 * result.best_val_accuracy,
               result.best_epoch);
  return start_epoch;
}

void begin(TrainingRun& run, int start_epoch) {
  const TrainOptions& o = run.options;
  DataParallel& parallel = run.parallel;
  parallel.start(run.net,
                 run_identity(o, run.spec, run.data_identity, start_epoch, parallel.world()),
                 o.seed + static_cast<std::uint64_t>(start_epoch));

  spdlog::info("training {} ({} parameters) on {} images, validating on {}, {} epochs on {}{}",
               run.spec.arch.name, nn::count_parameters(*run.net), run.train.size(), run.val.size(),
               o.epochs, run.device.str(), o.precision == Precision::kBf16 ? " in bf16" : "");
  if (o.precision == Precision::kBf16 && run.device.is_cpu() && cpu_has_native_bf16() == false) {
    spdlog::warn(
        "this CPU has no bfloat16 instructions (avx512_bf16, amx_bf16): precision bf16 is "
        "emulated here and trains many times slower than fp32");
  }
  if (parallel.active()) {
    spdlog::info("global batch {} ({} ranks x {} images per step)", run.global_batch(),
                 parallel.world(), o.batch_size);
  }
  if (run.schedule_options.base_lr != o.schedule.base_lr) {
    spdlog::info("peak learning rate {:.3g} for batches of {} ({:.3g} at {})",
                 run.schedule_options.base_lr, run.global_batch(), o.schedule.base_lr,
                 o.lr_reference_batch);
  }
}

EpochBatches::EpochBatches(const TrainingRun& run)
    : images(run.train.images.to(run.device)),
      labels(run.train.labels.to(run.device)),
      share_size((run.train.size() + run.parallel.world() - 1) / run.parallel.world()),
      steps_per_epoch((share_size + run.options.batch_size - 1) / run.options.batch_size) {}

namespace {

// What an interrupted run can resume from.
InterruptedError interrupted_in(const TrainingRun& run, int epoch) {
  return InterruptedError(
      epoch > 1 ? fmt::format("interrupted in epoch {}; {} holds epoch {}, from which "
                              "training can resume",
                              epoch, run.files.checkpoint.string(), epoch - 1)
                : std::string("interrupted in epoch 1, before anything was saved"));
}

// One optimizer step on uint8 `faces` labelled `y`: augmented (when the run augments), forward in
// the run's precision, the loss in float32, the gradients averaged over the ranks. Returns the
// loss and the logits. Throws InterruptedError when a rank was asked to stop.
std::pair<torch::Tensor, torch::Tensor> train_step(TrainingRun& run, torch::Tensor faces,
                                                   const torch::Tensor& y, int epoch) {
  const TrainOptions& o = run.options;
  if (o.augment) faces = camera_effects(faces, o.augmentation);
  auto x = nn::normalize_faces(faces, run.spec.input, run.device);
  if (o.augment) x = augment_batch(x, o.augmentation);
  const MixedBatch mixed = mixup(x, o.mixup_alpha);
  torch::Tensor logits;
  {
    const AutocastScope autocast(run.device.type(), o.precision);
    logits = run.net->forward(mixed.images);
  }
  // In float32 whatever the forward pass's precision: the loss is a sum of small terms.
  const auto logits32 = logits.to(torch::kFloat32);
  const auto cross_entropy = [&](const torch::Tensor& labels) {
    return torch::nn::functional::cross_entropy(logits32, labels,
                                                torch::nn::functional::CrossEntropyFuncOptions()
                                                    .weight(run.loss_weights)
                                                    .label_smoothing(o.label_smoothing));
  };
  auto loss = cross_entropy(y);
  if (mixed.weight < 1) {
    loss =
        mixed.weight * loss + (1 - mixed.weight) * cross_entropy(y.index_select(0, mixed.partner));
  }
  if (!run.teachers.empty()) {
    const auto targets =
        run.teachers.soft_targets(mixed.images, run.spec.input, o.distill_temperature, o.precision);
    loss = (1 - o.distill_weight) * loss +
           o.distill_weight * distillation_loss(logits32, targets, o.distill_temperature);
  }
  run.optimizer->zero_grad();
  loss.backward();
  if (run.parallel.sync_gradients(run.net, o.cancel.cancelled())) throw interrupted_in(run, epoch);
  run.optimizer->step();
  return {loss, logits};
}

}  // namespace

EpochRecord train_epoch(TrainingRun& run, const EpochBatches& batches, int epoch) {
  const TrainOptions& o = run.options;
  DataParallel& parallel = run.parallel;
  const torch::Device& device = run.device;
  const std::int64_t share_size = batches.share_size;
  const std::int64_t steps_per_epoch = batches.steps_per_epoch;
  run.net->train();
  const auto order = parallel.share(torch::randperm(
      run.train.size(), torch::TensorOptions().dtype(torch::kInt64).device(device)));
  // Counts the images of all ranks, which step together.
  Progress progress(
      fmt::format("epoch {}/{}", epoch, o.epochs), share_size * parallel.world(), "img",
      o.show_progress && parallel.writes() ? Progress::Style::kAuto : Progress::Style::kQuiet);
  // Sums over the epoch, kept on the device and read at most every kReadIntervalSeconds.
  auto loss_sum = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(device));
  auto correct = torch::zeros({}, torch::TensorOptions().dtype(torch::kInt64).device(device));
  std::int64_t seen = 0;
  int64_t first_unread_step = 0;
  auto last_read = std::chrono::steady_clock::now();
  // Reads the sums and stops on a non-finite loss, naming the steps since the previous read.
  const auto read_sums = [&](int64_t step) {
    const double l = loss_sum.item<double>() / static_cast<double>(std::max<int64_t>(seen, 1));
    if (!std::isfinite(l)) {
      throw Error(ErrorKind::kInternal,
                  fmt::format("loss became {} in epoch {}, steps {}-{} of {}; lower the "
                              "learning rate or check the data",
                              l, epoch, first_unread_step + 1, step + 1, steps_per_epoch));
    }
    first_unread_step = step + 1;
    last_read = std::chrono::steady_clock::now();
    return std::pair{l, static_cast<double>(correct.item<int64_t>()) /
                            static_cast<double>(std::max<int64_t>(seen, 1))};
  };
  for (int64_t step = 0; step < steps_per_epoch; ++step) {
    const auto idx = order.narrow(
        0, step * o.batch_size, std::min<int64_t>(o.batch_size, share_size - step * o.batch_size));
    // Ranks stop together, at the gradient exchange of this step.
    if (o.cancel.cancelled() && !parallel.active()) throw interrupted_in(run, epoch);
    if (idx.size(0) < 2) continue;  // batch norm cannot train on a single image
    set_lr(*run.optimizer,
           run.schedule.at(epoch - 1 + static_cast<double>(step) / steps_per_epoch));
    const auto y = batches.labels.index_select(0, idx);
    const auto [loss, logits] = train_step(run, batches.images.index_select(0, idx), y, epoch);
    {
      torch::NoGradGuard no_grad;
      loss_sum.add_(loss, static_cast<double>(idx.size(0)));
      correct.add_((logits.argmax(1) == y).sum());
    }
    seen += idx.size(0);
    std::string note;
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - last_read).count() >=
        kReadIntervalSeconds) {
      const auto [l, accuracy] = read_sums(step);
      note = fmt::format("loss {:.3f} acc {:.1f}%", l, 100 * accuracy);
    }
    progress.advance(idx.size(0) * parallel.world(), note);
  }
  parallel.sum_epoch(loss_sum, correct, seen);
  parallel.end_epoch(run.net);
  // Before the rate: the device may still be working through the last steps.
  const auto [train_loss, train_accuracy] = read_sums(steps_per_epoch - 1);
  const double train_rate = progress.rate();
  progress.finish(fmt::format("loss {:.3f} acc {:.1f}%", train_loss, 100 * train_accuracy));

  EpochRecord r;
  r.epoch = epoch;
  r.train_loss = train_loss;
  r.train_accuracy = train_accuracy;
  r.lr = run.schedule.at(epoch - 1e-9);
  r.images_per_second = train_rate;
  return r;
}

void validate(TrainingRun& run, EpochRecord& record) {
  if (run.val.size() > 0) {
    run.net->eval();
    const auto predict = [&](const torch::Tensor& faces) {
      c10::InferenceMode guard;
      return torch::softmax(
                 run.net->forward(nn::normalize_faces(faces, run.spec.input, run.device)), 1)
          .to(torch::kCPU);
    };
    const auto e = evaluate(predict, run.val, run.spec.classes, 256);
    record.val_loss = e.loss;
    record.val_accuracy = e.metrics.accuracy;
    record.val_macro_f1 = e.metrics.macro_f1;
  }
  run.parallel.agree_on_validation(record);
}

bool save_best(TrainingRun& run, LoopState& state, const EpochRecord& r) {
  TrainResult& result = state.result;
  const bool improved = run.val.size() == 0 || r.val_accuracy > result.best_val_accuracy;
  if (!improved) {
    ++state.epochs_without_improvement;
    return false;
  }
  result.best_val_accuracy = r.val_accuracy;
  result.best_epoch = r.epoch;
  state.epochs_without_improvement = 0;
  const TrainOptions& o = run.options;
  json summary = o.provenance;
  if (!o.init.empty()) summary["initial_weights"] = o.init.filename().string();
  if (!o.teachers.empty()) {
    summary["teachers"] = file_names(o.teachers);
    summary["distill_weight"] = o.distill_weight;
    summary["distill_temperature"] = o.distill_temperature;
  }
  summary["epochs_trained"] = r.epoch;
  summary["best_epoch"] = r.epoch;
  summary["val_accuracy"] = r.val_accuracy;
  summary["val_macro_f1"] = r.val_macro_f1;
  summary["train_images"] = run.train.size();
  summary[nn::kClassCountsKey] = class_counts_json(run.train);
  summary["train_fingerprint"] = run.data_identity.at("train").at("fingerprint");
  summary["val_images"] = run.val.size();
  summary["parameters"] = nn::count_parameters(*run.net);
  if (run.parallel.writes()) save_model(o.out, run.net, run.spec, summary);
  return true;
}

void log_epoch(const TrainingRun& run, const EpochRecord& r, bool saved) {
  spdlog::info(
      "epoch {}/{}: loss {:.4f} acc {:.2f}% | val loss {:.4f} acc {:.2f}% F1 {:.2f}% | "
      "lr {:.2e} | {:.0f} img/s | {:.0f}s{}",
      r.epoch, run.options.epochs, r.train_loss, 100 * r.train_accuracy, r.val_loss,
      100 * r.val_accuracy, 100 * r.val_macro_f1, r.lr, r.images_per_second, r.seconds,
      saved ? " | saved" : "");
}

void write_checkpoint(TrainingRun& run, const LoopState& state) {
  if (!run.parallel.writes()) return;
  const TrainResult& result = state.result;
  json loop;
  for (const auto& h : result.history) loop["history"].push_back(to_json(h));
  loop["best_epoch"] = result.best_epoch;
  loop["best_val_accuracy"] = result.best_val_accuracy;
  loop["epochs_without_improvement"] = state.epochs_without_improvement;
  loop["schedule"] = run.schedule.state();
  loop["input"] = run.spec.input;
  loop["data"] = run.data_identity;
  save_checkpoint(run.files.checkpoint, run.net, run.spec, *run.optimizer, loop);
  write_history(result.history, run.files);
}

bool should_stop(int patience, LoopState& state) {
  if (patience <= 0 || state.epochs_without_improvement < patience) return false;
  spdlog::info("no better validation accuracy for {} epochs: stopping early", patience);
  state.result.stopped_early = true;
  return true;
}

void finish(TrainingRun& run, const LoopState& state,
            std::chrono::steady_clock::time_point run_start) {
  run.parallel.finish(run.net);
  spdlog::info("done in {}: best validation accuracy {:.2f}% at epoch {}, model {}",
               format_duration(seconds_since(run_start)), 100 * state.result.best_val_accuracy,
               state.result.best_epoch, run.options.out.string());
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace emomusic::train
