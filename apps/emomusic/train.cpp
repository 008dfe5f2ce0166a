#include "train.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <sstream>
#include <thread>

#include "emomusic/core/error.hpp"
#include "emomusic/core/interrupt.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/nn/model_spec.hpp"
#include "emomusic/train/distributed.hpp"
#include "emomusic/train/option_ranges.hpp"
#include "emomusic/train/trainer.hpp"
#include "ml_commands.hpp"
#include "named_option.hpp"
#include "option_range.hpp"

namespace emomusic::app {
namespace {

std::vector<int> parse_channels(const std::string& text) {
  std::vector<int> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const std::string error = in_range(train::kChannelsRange)(item);
    if (!error.empty()) throw UsageError("--channels: " + error);
    out.push_back(std::stoi(item));
  }
  if (out.empty()) throw UsageError("--channels needs at least one stage, e.g. 32,64,128,256");
  return out;
}

std::string utc_now() {
  const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

// Made on first use, as emomusic's other own folders are; a folder named with --out must exist.
const std::filesystem::path kDefaultOut = "runs/emotion.safetensors";

}  // namespace

void setup_train(CLI::App& app, Command& command) {
  auto o = std::make_shared<TrainCommandOptions>();
  o->train.out = kDefaultOut;
  auto* cmd = &app;
  cmd->footer(
      "Examples:\n"
      "  emomusic train --data fer2013.csv.gz --out runs/vgg.safetensors --epochs 30\n"
      "  emomusic train --data FER_DIR --arch baseline --optimizer sgd --lr 0.01 --schedule "
      "plateau\n"
      "  emomusic train --data fer2013.csv.gz --out runs/vgg.safetensors --epochs 30 --resume\n"
      "  torchrun --no-python --nproc-per-node 2 emomusic train --data fer2013.csv.gz ...\n"
      "Data-parallel: started by torchrun, srun or a PyTorchJob (RANK, WORLD_SIZE, MASTER_ADDR, "
      "MASTER_PORT; or SLURM_PROCID, SLURM_NTASKS), each process trains on its share with "
      "--batch-size images per step; rank 0 writes the files. This build: " +
      (train::distributed_backend().empty() ? std::string("no distributed training")
                                            : "c10d with " + train::distributed_backend()) +
      ". See docs/distributed.md.");
  add_dataset_options(*cmd, o->dataset);
  auto& t = o->train;
  cmd->add_option("--out", t.out,
                  "Best model (safetensors); curves, metrics CSV and checkpoint go beside it")
      ->capture_default_str();
  auto* init = cmd->add_option("--init", t.init,
                               "Start from this model's weights (fine-tuning); its architecture "
                               "replaces --arch and the options that shape it");
  cmd->add_option("--arch", t.arch.name, "Architecture")
      ->check(CLI::IsMember(nn::architecture_names()))
      ->capture_default_str()
      ->excludes(init);
  add_named_option(*cmd, "--equalize", t.equalize, nn::equalize_names(),
                   "Contrast normalisation of each face, kept in the model for inference: " +
                       join_names(nn::equalize_names()));
  cmd->add_option("--channels", o->channels, "vgg, resnet: channels per stage (width and depth)")
      ->capture_default_str()
      ->excludes(init);
  cmd->add_option("--convs-per-stage", t.arch.convs_per_stage,
                  "vgg, resnet: 3x3 convolutions per stage (resnet: even, two a residual block)")
      ->capture_default_str()
      ->excludes(init)
      ->check(in_range(train::kConvsPerStageRange));
  cmd->add_option("--hidden", t.arch.hidden, "vgg, resnet: hidden dense units (0: none)")
      ->capture_default_str()
      ->excludes(init)
      ->check(in_range(train::kHiddenRange));
  cmd->add_option("--dropout", t.arch.dropout, "Dropout before the dense layers")
      ->capture_default_str()
      ->excludes(init)
      ->check(in_range(train::kDropoutRange));
  cmd->add_option("--epochs", t.epochs, "Epochs")
      ->capture_default_str()
      ->check(in_range(train::kEpochsRange));
  cmd->add_option("--batch-size", t.batch_size, "Images per step (per rank when data-parallel)")
      ->capture_default_str()
      ->check(in_range(train::kTrainBatchRange));
  add_named_option(*cmd, "--optimizer", t.optimizer, train::optimizer_names(),
                   join_names(train::optimizer_names()) + " (sgd with Nesterov momentum)");
  cmd->add_option("--lr", t.schedule.base_lr,
                  "Peak learning rate (after warm-up, before decay), for --batch-size images per "
                  "step, or for --lr-batch images if given")
      ->capture_default_str()
      ->check(in_range(train::kLearningRateRange));
  cmd->add_option("--lr-batch", t.lr_reference_batch,
                  "The batch size --lr is meant for; the peak rate is scaled from it to "
                  "--batch-size, linearly for sgd, by the square root for adamw (0: --lr as given)")
      ->check(in_range(train::kLrReferenceBatchRange))
      ->capture_default_str();
  cmd->add_option("--weight-decay", t.weight_decay, "Weight decay")
      ->capture_default_str()
      ->check(in_range(train::kWeightDecayRange));
  cmd->add_option("--momentum", t.momentum, "sgd momentum")
      ->capture_default_str()
      ->check(in_range(train::kMomentumRange));
  add_named_option(*cmd, "--schedule", t.schedule.kind, train::schedule_names(),
                   join_names(train::schedule_names()) + " (plateau: on validation accuracy)");
  cmd->add_option("--warmup", t.schedule.warmup_epochs, "Linear warm-up epochs")
      ->capture_default_str()
      ->check(in_range(train::kWarmupEpochsRange));
  cmd->add_option("--label-smoothing", t.label_smoothing, "Label smoothing, in [0, 1)")
      ->capture_default_str()
      ->check(in_range(train::kLabelSmoothingRange));
  cmd->add_option("--mixup", t.mixup_alpha,
                  "Mixup: blend each face and its label with another's, by a share drawn from "
                  "Beta(A, A) (0: off; 0.2 is usual)")
      ->capture_default_str()
      ->check(in_range(train::kMixupAlphaRange));
  cmd->add_option("--teacher", t.teachers,
                  "Distillation: also learn this model's predictions on the same augmented faces "
                  "(repeat for several: their mean is learnt)");
  cmd->add_option("--distill-weight", t.distill_weight,
                  "The teachers' share of the loss (the labels have the rest)")
      ->capture_default_str()
      ->check(in_range(train::kDistillWeightRange));
  cmd->add_option("--distill-temperature", t.distill_temperature,
                  "Softmax temperature of the teachers' and the network's predictions")
      ->capture_default_str()
      ->check(in_range(train::kDistillTemperatureRange));
  add_named_option(
      *cmd, "--class-weights", t.class_weights, train::class_weight_names(),
      "Loss weights against class imbalance: " + join_names(train::class_weight_names()));
  cmd->add_option("--patience", t.patience,
                  "Stop after N epochs without a better validation accuracy (0: never)")
      ->capture_default_str()
      ->check(in_range(train::kPatienceRange));
  cmd->add_flag("!--no-augment", t.augment, "Train without augmentation");
  cmd->add_option("--max-shift", t.augmentation.max_shift,
                  "Augmentation: shift, fraction of the side")
      ->capture_default_str()
      ->check(in_range(train::kMaxShiftRange));
  cmd->add_option("--max-rotation", t.augmentation.max_rotation_deg,
                  "Augmentation: rotation, degrees")
      ->capture_default_str()
      ->check(in_range(train::kRotationRange));
  cmd->add_option("--max-shear", t.augmentation.max_shear,
                  "Augmentation: horizontal shear factor (0.2 slants by up to 11 degrees)")
      ->capture_default_str()
      ->check(in_range(train::kShearRange));
  cmd->add_option("--min-scale", t.augmentation.min_scale, "Augmentation: smallest zoom")
      ->capture_default_str()
      ->check(in_range(train::kScaleRange));
  cmd->add_option("--max-scale", t.augmentation.max_scale, "Augmentation: largest zoom")
      ->capture_default_str()
      ->check(in_range(train::kScaleRange));
  cmd->add_option("--erase-prob", t.augmentation.erase_probability,
                  "Augmentation: random erasing probability")
      ->capture_default_str()
      ->check(in_range(train::kProbabilityRange));
  cmd->add_option("--brightness", t.augmentation.brightness,
                  "Camera augmentation: largest brightness shift, fraction of full scale")
      ->capture_default_str()
      ->check(in_range(train::kBrightnessRange));
  cmd->add_option("--contrast", t.augmentation.contrast,
                  "Camera augmentation: contrast factor in [1/(1+C), 1+C]")
      ->capture_default_str()
      ->check(in_range(train::kContrastRange));
  cmd->add_option("--gamma", t.augmentation.gamma, "Camera augmentation: gamma in [1/(1+G), 1+G]")
      ->capture_default_str()
      ->check(in_range(train::kContrastRange));
  cmd->add_option("--blur-prob", t.augmentation.blur_probability,
                  "Camera augmentation: share of faces blurred")
      ->capture_default_str()
      ->check(in_range(train::kProbabilityRange));
  cmd->add_option("--noise", t.augmentation.noise,
                  "Camera augmentation: largest sensor-noise std, fraction of full scale")
      ->capture_default_str()
      ->check(in_range(train::kNoiseRange));
  cmd->add_option("--val-split", o->val_split, "Validation split (default: PublicTest, else Test)");
  cmd->add_option("--limit", o->limit, "Train on a random subset of N images (quick runs)")
      ->check(in_range(train::kSubsetRange));
  cmd->add_option("--device", t.device, "cpu, cuda or cuda:N")->capture_default_str();
  add_named_option(*cmd, "--precision", t.precision, train::precision_names(),
                   "Arithmetic of the training steps: " + join_names(train::precision_names()) +
                       " (bf16: autocast, for GPU tensor cores and CPUs with AMX or AVX-512 BF16); "
                       "validation and the saved model are fp32");
  cmd->add_option("--threads", t.threads, "CPU threads (0: LibTorch default)")
      ->capture_default_str()
      ->check(in_range(train::kThreadsRange));
  cmd->add_option("--seed", t.seed, "Random seed")
      ->capture_default_str()
      ->check(in_range(train::kSeedRange));
  auto* resume = cmd->add_flag("--resume", t.resume, "Continue from the checkpoint beside --out");
  cmd->add_flag("--overwrite", t.overwrite,
                "Start over even where an earlier run left a model or checkpoint at --out, "
                "replacing them (without it, train refuses)")
      ->excludes(resume);
  cmd->add_option("--checkpoint", t.checkpoint,
                  "Checkpoint file (default: <out>.checkpoint.safetensors)");
  cmd->add_option("--dist-timeout", o->dist_timeout_seconds,
                  "Data-parallel: seconds a rank waits for the others (to meet, at each "
                  "exchange) before it stops with exit 6")
      ->capture_default_str()
      ->check(in_range(train::kDistTimeoutRange));
  cmd->add_option("--rendezvous-file", o->rendezvous_file,
                  "Data-parallel: meet through this new file on a file system all ranks share, "
                  "instead of a TCP store at MASTER_ADDR:MASTER_PORT");
  cmd->callback([o, &command] { command = [o] { return run_train(*o); }; });
}

int run_train(const TrainCommandOptions& options) {
  TrainCommandOptions o = options;
  // The baseline network has fixed widths; every other architecture takes its stages from here.
  if (o.train.arch.name != "baseline") o.train.arch.channels = parse_channels(o.channels);
  o.train.show_progress = true;
  install_interrupt_handlers();  // Ctrl-C keeps the last checkpoint and says how to resume
  o.train.cancel = interrupt_token();

  o.train.inputs = {o.dataset.data};
  if (o.train.out == kDefaultOut) std::filesystem::create_directories(kDefaultOut.parent_path());
  // Before the data is loaded: refusing bad options or to replace a run should take a second,
  // not a parse.
  train::check_options(o.train);
  try {
    train::check_outputs(o.train);
  } catch (const train::OutputExistsError& e) {
    const bool checkpoint = e.path == train::artifacts_for(o.train).checkpoint;
    throw UsageError(std::string(e.what()) + (checkpoint ? " (--resume continues it; --overwrite "
                                                           "starts over)"
                                                         : " (--overwrite replaces it)"));
  }
  auto launch = train::launch_env(o.rendezvous_file.empty());
  launch.rendezvous_file = o.rendezvous_file;
  // The others' log lines would repeat rank 0's; their warnings and errors still show.
  if (launch.rank > 0 && spdlog::get_level() < spdlog::level::warn) {
    spdlog::set_level(spdlog::level::warn);
  }
  const auto all = load_dataset(o.dataset, launch.rank == 0);
  auto train_set = all.split(data::kTraining);
  if (o.limit > 0 && o.limit < train_set.size()) {
    torch::manual_seed(o.train.seed);
    const auto pick = torch::randperm(train_set.size(), torch::kInt64).narrow(0, 0, o.limit);
    train_set.images = train_set.images.index_select(0, pick);
    train_set.labels = train_set.labels.index_select(0, pick);
    train_set.splits = train_set.splits.index_select(0, pick);
  }
  const std::string val_name =
      o.val_split.empty() ? data::default_validation_split(all) : o.val_split;
  data::FaceDataset val_set;
  if (val_name.empty()) {
    spdlog::warn("{} has no validation split: keeping the last epoch's model",
                 o.dataset.data.string());
  } else {
    val_set = all.split(val_name);
  }

  char host[256] = "unknown";
  ::gethostname(host, sizeof host);
  o.train.provenance = {
      {"command", command_line()},
      {"data", o.dataset.data.filename().string()},
      {"train_split", data::kTraining},
      {"val_split", val_name},
      {"started", utc_now()},
      {"hardware", o.train.device == "cpu"
                       ? std::to_string(std::thread::hardware_concurrency()) + " CPU threads"
                       : o.train.device},
      // The trainer applies --threads later; record what it will use, not today's default.
      {"torch_threads", o.train.threads > 0 ? o.train.threads : torch::get_num_threads()},
      {"libtorch", TORCH_VERSION},
      {"options",
       {{"epochs", o.train.epochs},
        {"batch_size", o.train.batch_size},
        {"optimizer", name_of(train::optimizer_names(), o.train.optimizer)},
        {"lr", o.train.schedule.base_lr},
        {"lr_batch", o.train.lr_reference_batch},
        {"precision", name_of(train::precision_names(), o.train.precision)},
        {"schedule", name_of(train::schedule_names(), o.train.schedule.kind)},
        {"warmup", o.train.schedule.warmup_epochs},
        {"weight_decay", o.train.weight_decay},
        {"label_smoothing", o.train.label_smoothing},
        {"class_weights", name_of(train::class_weight_names(), o.train.class_weights)},
        {"augment", o.train.augment},
        {"seed", o.train.seed}}}};
  if (launch.distributed()) {
    o.train.provenance["ranks"] = launch.world_size;
    // Once its data is loaded: --dist-timeout then covers how much later than the first the
    // slowest rank gets here, not the whole load.
    o.train.group = train::connect(
        launch, std::chrono::milliseconds(static_cast<long long>(1000 * o.dist_timeout_seconds)));
  }
  try {
    train::train_model(o.train, train_set, val_set);
  } catch (const InterruptedError& e) {
    std::error_code ec;
    if (!std::filesystem::exists(train::artifacts_for(o.train).checkpoint, ec)) throw;
    throw InterruptedError(std::string(e.what()) + " (continue with --resume)");
  }
  const auto files = train::artifacts_for(o.train);
  spdlog::info("metrics: {}  curves: {}, {}", files.metrics_csv.string(), files.loss_png.string(),
               files.accuracy_png.string());
  return 0;
}

}  // namespace emomusic::app
