#include "emomusic/train/trainer.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "checkpoint.hpp"
#include "data_parallel.hpp"
#include "device_scopes.hpp"
#include "emomusic/core/emotion.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/named_values.hpp"
#include "emomusic/core/output_files.hpp"
#include "emomusic/core/progress.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/nn/class_prior.hpp"
#include "emomusic/nn/model_file.hpp"
#include "emomusic/nn/network.hpp"
#include "emomusic/nn/preprocess.hpp"
#include "emomusic/train/evaluate.hpp"
#include "emomusic/train/option_ranges.hpp"
#include "history.hpp"

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
  if (model.spec.input.size != spec.input.size) {
    throw ModelError(fmt::format("{}: takes {}x{} faces, the training data is {}x{}", path.string(),
                                 model.spec.input.size, model.spec.input.size, spec.input.size,
                                 spec.input.size));
  }
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

void validate(const TrainOptions& o, const data::FaceDataset& train, int world) {
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
json data_identity(const data::FaceDataset& train, const data::FaceDataset& val) {
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
      {"patience", o.patience},
      {"augment", o.augment},
      {"augmentation",
       {a.max_shift, a.min_scale, a.max_scale, a.max_rotation_deg, a.flip, a.erase_probability,
        a.erase_min_area, a.erase_max_area, a.brightness, a.contrast, a.gamma, a.blur_probability,
        a.noise}},
      {"seed", o.seed}};
}

}  // namespace

void check_options(const TrainOptions& o) {
  check_range(o.epochs, kEpochsRange, "the epoch count");
  // At least 2: batch norm needs two images to measure a variance.
  check_range(o.batch_size, kTrainBatchRange, "the batch size");
  check_range(o.lr_reference_batch, kLrReferenceBatchRange, "the learning rate's reference batch");
  check_range(o.weight_decay, kWeightDecayRange, "the weight decay");
  check_range(o.momentum, kMomentumRange, "the momentum");
  check_range(o.label_smoothing, kLabelSmoothingRange, "label smoothing");
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
  check_range(a.erase_probability, kProbabilityRange, "the erasing probability");
  check_range(a.brightness, kBrightnessRange, "the brightness augmentation");
  check_range(a.contrast, kContrastRange, "the contrast augmentation");
  check_range(a.gamma, kContrastRange, "the gamma augmentation");
  check_range(a.blur_probability, kProbabilityRange, "the blur probability");
  check_range(a.noise, kNoiseRange, "the noise augmentation");
}

void check_outputs(const TrainOptions& o) {
  if (o.out.empty()) return;  // validate() says so
  const auto files = artifacts_for(o);
  // First, so that a run asked to replace its own data says so rather than "a model is there".
  std::vector<fs::path> inputs = o.inputs;
  inputs.push_back(o.init);
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
  DataParallel parallel(o.group.get());
  validate(o, train, parallel.world());
  const int global_batch = o.batch_size * parallel.world();
  ScheduleOptions schedule_options = o.schedule;
  schedule_options.base_lr =
      scaled_learning_rate(o.schedule.base_lr, o.lr_reference_batch, global_batch, o.optimizer);
  const torch::Device device = nn::parse_device(o.device);
  if (o.threads > 0) torch::set_num_threads(o.threads);
  torch::manual_seed(o.seed);
  const CudnnBenchmark cudnn_benchmark(device.is_cuda());

  nn::ModelSpec spec;
  spec.arch = o.arch;
  spec.input = input_statistics(train, o.equalize);
  spec.classes = class_names();
  nn::EmotionNet net = make_network(spec.arch, spec.input.size, kEmotionCount);
  // Also when resuming: the checkpoint then replaces the weights, but has the init's architecture.
  if (!o.init.empty()) net = initial_network(o.init, spec);
  net->train();
  net->to(device);
  // Not on the CPU, where LibTorch 1.13 trains channels-last about 7% slower (83 against 89
  // images/s, one thread). The inputs need no conversion: with one channel, NCHW is NHWC.
  if (device.is_cuda()) use_channels_last(net);
  auto optimizer = make_optimizer(o, net);
  LearningRate schedule(schedule_options, o.epochs);
  const auto weights = class_weights(train.class_counts(), o.class_weights).to(device);
  const auto files = artifacts_for(o);

  const json identity = data_identity(train, val);

  TrainResult result;
  int start_epoch = 1;
  int epochs_without_improvement = 0;
  if (o.resume) {
    const json state = load_checkpoint(files.checkpoint, net, spec, *optimizer);
    net->to(device);
    try {
      check_same_data(state, identity, files.checkpoint);
      for (const auto& r : state.at("history")) result.history.push_back(epoch_from_json(r));
      result.best_epoch = state.at("best_epoch");
      result.best_val_accuracy = state.at("best_val_accuracy");
      epochs_without_improvement = state.value("epochs_without_improvement", 0);
      schedule.restore(state.at("schedule"));
      spec.input = state.at("input").get<nn::InputSpec>();
    } catch (const json::exception& e) {
      throw ModelError(files.checkpoint.string() +
                       ": the checkpoint's training state is damaged (" + excerpt(e.what(), 200) +
                       ")");
    }
    start_epoch = static_cast<int>(result.history.size()) + 1;
    // A different seed per epoch keeps a resumed run from replaying the first epochs' shuffles.
    torch::manual_seed(o.seed + static_cast<std::uint64_t>(start_epoch));
    spdlog::info("resuming {} at epoch {} (best so far {:.2f}% at epoch {})",
                 files.checkpoint.string(), start_epoch, 100 * result.best_val_accuracy,
                 result.best_epoch);
  }

  parallel.start(net, run_identity(o, spec, identity, start_epoch, parallel.world()),
                 o.seed + static_cast<std::uint64_t>(start_epoch));

  spdlog::info("training {} ({} parameters) on {} images, validating on {}, {} epochs on {}{}",
               spec.arch.name, nn::count_parameters(*net), train.size(), val.size(), o.epochs,
               device.str(), o.precision == Precision::kBf16 ? " in bf16" : "");
  if (parallel.active()) {
    spdlog::info("global batch {} ({} ranks x {} images per step)", global_batch, parallel.world(),
                 o.batch_size);
  }
  if (schedule_options.base_lr != o.schedule.base_lr) {
    spdlog::info("peak learning rate {:.3g} for batches of {} ({:.3g} at {})",
                 schedule_options.base_lr, global_batch, o.schedule.base_lr, o.lr_reference_batch);
  }
  // The uint8 images go to the device once (74 MB for FER2013); each step then gathers its
  // batch there instead of copying it from the host.
  const auto images = train.images.to(device);
  const auto labels = train.labels.to(device);
  // Each rank's share of an epoch (all of it for a single process): padded to equal sizes.
  const auto share_size = (train.size() + parallel.world() - 1) / parallel.world();
  const auto steps_per_epoch = (share_size + o.batch_size - 1) / o.batch_size;
  const auto run_start = std::chrono::steady_clock::now();
  for (int epoch = start_epoch; epoch <= o.epochs; ++epoch) {
    const auto epoch_start = std::chrono::steady_clock::now();
    net->train();
    const auto order = parallel.share(
        torch::randperm(train.size(), torch::TensorOptions().dtype(torch::kInt64).device(device)));
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
    const auto interrupted = [&] {
      return InterruptedError(
          epoch > 1 ? fmt::format("interrupted in epoch {}; {} holds epoch {}, from which "
                                  "training can resume",
                                  epoch, files.checkpoint.string(), epoch - 1)
                    : std::string("interrupted in epoch 1, before anything was saved"));
    };
    for (int64_t step = 0; step < steps_per_epoch; ++step) {
      const auto idx =
          order.narrow(0, step * o.batch_size,
                       std::min<int64_t>(o.batch_size, share_size - step * o.batch_size));
      // Ranks stop together, at the gradient exchange of this step.
      if (o.cancel.cancelled() && !parallel.active()) throw interrupted();
      if (idx.size(0) < 2) continue;  // batch norm cannot train on a single image
      set_lr(*optimizer, schedule.at(epoch - 1 + static_cast<double>(step) / steps_per_epoch));
      auto faces = images.index_select(0, idx);
      if (o.augment) faces = camera_effects(faces, o.augmentation);
      auto x = nn::normalize_faces(faces, spec.input, device);
      if (o.augment) x = augment_batch(x, o.augmentation);
      const auto y = labels.index_select(0, idx);
      torch::Tensor logits;
      {
        const AutocastScope autocast(device.type(), o.precision);
        logits = net->forward(x);
      }
      // In float32 whatever the forward pass's precision: the loss is a sum of small terms.
      const auto loss = torch::nn::functional::cross_entropy(
          logits.to(torch::kFloat32), y,
          torch::nn::functional::CrossEntropyFuncOptions().weight(weights).label_smoothing(
              o.label_smoothing));
      optimizer->zero_grad();
      loss.backward();
      if (parallel.sync_gradients(net, o.cancel.cancelled())) throw interrupted();
      optimizer->step();

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
    parallel.end_epoch(net);
    // Before the rate: the device may still be working through the last steps.
    const auto [train_loss, train_accuracy] = read_sums(steps_per_epoch - 1);
    const double train_rate = progress.rate();
    progress.finish(fmt::format("loss {:.3f} acc {:.1f}%", train_loss, 100 * train_accuracy));

    EpochRecord r;
    r.epoch = epoch;
    r.train_loss = train_loss;
    r.train_accuracy = train_accuracy;
    r.lr = schedule.at(epoch - 1e-9);
    r.images_per_second = train_rate;
    if (val.size() > 0) {
      net->eval();
      const auto predict = [&](const torch::Tensor& faces) {
        c10::InferenceMode guard;
        return torch::softmax(net->forward(nn::normalize_faces(faces, spec.input, device)), 1)
            .to(torch::kCPU);
      };
      const auto e = evaluate(predict, val, spec.classes, 256);
      r.val_loss = e.loss;
      r.val_accuracy = e.metrics.accuracy;
      r.val_macro_f1 = e.metrics.macro_f1;
    }
    parallel.agree_on_validation(r);
    r.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
    result.history.push_back(r);
    schedule.end_epoch(r.val_accuracy);

    const bool improved = val.size() == 0 || r.val_accuracy > result.best_val_accuracy;
    if (improved) {
      result.best_val_accuracy = r.val_accuracy;
      result.best_epoch = epoch;
      epochs_without_improvement = 0;
      json summary = o.provenance;
      if (!o.init.empty()) summary["initial_weights"] = o.init.filename().string();
      summary["epochs_trained"] = epoch;
      summary["best_epoch"] = epoch;
      summary["val_accuracy"] = r.val_accuracy;
      summary["val_macro_f1"] = r.val_macro_f1;
      summary["train_images"] = train.size();
      summary[nn::kClassCountsKey] = class_counts_json(train);
      summary["train_fingerprint"] = identity["train"]["fingerprint"];
      summary["val_images"] = val.size();
      summary["parameters"] = nn::count_parameters(*net);
      if (parallel.writes()) save_model(o.out, net, spec, summary);
    } else {
      ++epochs_without_improvement;
    }
    spdlog::info(
        "epoch {}/{}: loss {:.4f} acc {:.2f}% | val loss {:.4f} acc {:.2f}% F1 {:.2f}% | "
        "lr {:.2e} | {:.0f} img/s | {:.0f}s{}",
        epoch, o.epochs, r.train_loss, 100 * r.train_accuracy, r.val_loss, 100 * r.val_accuracy,
        100 * r.val_macro_f1, r.lr, r.images_per_second, r.seconds, improved ? " | saved" : "");

    json state;
    for (const auto& h : result.history) state["history"].push_back(to_json(h));
    state["best_epoch"] = result.best_epoch;
    state["best_val_accuracy"] = result.best_val_accuracy;
    state["epochs_without_improvement"] = epochs_without_improvement;
    state["schedule"] = schedule.state();
    state["input"] = spec.input;
    state["data"] = identity;
    if (parallel.writes()) {
      save_checkpoint(files.checkpoint, net, spec, *optimizer, state);
      write_history(result.history, files);
    }

    if (o.patience > 0 && epochs_without_improvement >= o.patience) {
      spdlog::info("no better validation accuracy for {} epochs: stopping early", o.patience);
      result.stopped_early = true;
      break;
    }
  }
  parallel.finish(net);
  spdlog::info(
      "done in {}: best validation accuracy {:.2f}% at epoch {}, model {}",
      format_duration(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count()),
      100 * result.best_val_accuracy, result.best_epoch, o.out.string());
  return result;
}

}  // namespace emomusic::train
