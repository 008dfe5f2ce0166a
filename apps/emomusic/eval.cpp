#include "eval.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "classifier_options.hpp"
#include "emomusic/core/emotion.hpp"
#include "emomusic/core/output_files.hpp"
#include "emomusic/core/paths.hpp"
#include "emomusic/core/shard.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/data/dataset_shard.hpp"
#include "emomusic/nn/classifier.hpp"
#include "emomusic/plot/confusion_matrix.hpp"
#include "emomusic/train/evaluate.hpp"
#include "emomusic/train/option_ranges.hpp"
#include "exit_codes.hpp"
#include "ml_commands.hpp"
#include "named_option.hpp"
#include "option_range.hpp"
#include "shard_option.hpp"
#if defined(EMOMUSIC_WITH_VISION) && defined(EMOMUSIC_WITH_MUSIC)
#include "emomusic/session/photo_evaluation.hpp"
#define EMOMUSIC_EVAL_PHOTOS 1
#endif

namespace emomusic::app {

void setup_eval(CLI::App& app, Command& command) {
  auto o = std::make_shared<EvalOptions>();
  auto* cmd = &app;
  cmd->footer(
      "Examples:\n"
      "  emomusic eval --data fer2013.csv.gz                     # shipped model, PublicTest\n"
      "  emomusic eval --model runs/vgg.safetensors --data fer2013.csv.gz --tta tencrop --json\n"
      "  emomusic eval --data fer2013.csv.gz --plot confusion.png\n"
      "  emomusic eval --model a.safetensors --model b.safetensors --data fer2013.csv.gz\n"
      "  emomusic eval --photos faces/labels.csv --tta none   # photos: detect, crop, classify");
  cmd->add_option(
      "--model", o->models,
      "Model file (default: $EMOMUSIC_MODEL, else the shipped model); repeat it to measure an "
      "ensemble that averages the models' probabilities");
  auto* data = add_dataset_options(*cmd, o->dataset, /*data_required=*/false);
#ifdef EMOMUSIC_EVAL_PHOTOS
  auto* photos =
      cmd->add_option("--photos", o->photos,
                      "Measure the whole pipeline (face detection, crop, classification) on "
                      "labelled photographs: a CSV of path,label lines, paths relative to it")
          ->excludes(data);
  data->excludes(photos);
  add_face_margin_option(*cmd, o->margin)->needs(photos);
#endif
  cmd->add_option("--split", o->split,
                  "Split to measure: Training, PublicTest, PrivateTest, Test or all (default: "
                  "PrivateTest when present, else PublicTest)");
  add_named_option(*cmd, "--tta", o->tta, nn::tta_names(),
                   "Test-time augmentation: " + join_names(nn::tta_names()));
  add_prior_power_option(*cmd, o->prior_power);
  cmd->add_flag("--json", o->json, "Print the metrics as JSON on stdout");
  cmd->add_option("--plot", o->plot, "Also draw the confusion matrix into this PNG");
  cmd->add_option("--batch-size", o->batch_size, "Faces per batch")
      ->check(in_range(train::kEvalBatchRange))
      ->capture_default_str();
  cmd->add_option("--device", o->device, "cpu, cuda or cuda:N")->capture_default_str();
  cmd->add_option("--threads", o->threads, "CPU threads (0: LibTorch default)")
      ->capture_default_str()
      ->check(in_range(train::kThreadsRange));
  add_shard_option(*cmd, o->shard,
                   "I/N: measure only the I-th of N equal runs of consecutive rows or photos "
                   "(from 0), for a job array; the JSON confusion matrices of the N add up");
  cmd->callback([o, &command] { command = [o] { return run_eval(*o); }; });
}

namespace {

std::vector<std::filesystem::path> models_to_evaluate(const EvalOptions& o) {
  if (!o.models.empty()) return o.models;
  return with_hint<ModelError>("--model FILE names one",
                               [] { return std::vector{default_model_path()}; });
}

// The models as a picture's title names them: the names of two files do not fit its width.
std::string plot_name(const std::vector<std::filesystem::path>& models) {
  return models.size() == 1 ? models.front().filename().string()
                            : fmt::format("ensemble of {} models", models.size());
}

#ifdef EMOMUSIC_EVAL_PHOTOS
int run_photo_eval(const EvalOptions& o) {
  vision::FaceClassifierOptions co;
  co.models = models_to_evaluate(o);
  co.device = o.device;
  co.tta = o.tta;
  co.prior_power = o.prior_power;
  const std::string name = nn::describe_models(co.models);
  const std::string tta = nn::to_string(o.tta);
  // The model first: a bad model path fails in a second, not after the photos are listed.
  vision::EmotionPipeline pipeline(vision::FaceDetector({}), vision::FaceClassifier(co), o.margin);
  const auto photos = take_shard(session::read_labelled_photos(o.photos), o.shard);
  std::vector<std::filesystem::path> inputs = co.models;
  inputs.push_back(o.photos);
  for (const auto& photo : photos) inputs.push_back(photo.path);
  check_output_files(inputs, {o.plot});
  spdlog::info("evaluating {} on {} photos of {} (tta {}, prior power {}, margin {})", name,
               photos.size(), o.photos.string(), tta, o.prior_power, o.margin);
  const auto result = session::evaluate_photos(pipeline, photos, !o.json);
  for (const auto& failure : result.failures) spdlog::error("{}", failure);
  if (o.json) {
    auto j = result.to_json();
    j["model"] = name;
    j["photos_file"] = o.photos.string();
    j["tta"] = tta;
    j["prior_power"] = o.prior_power;
    j["margin"] = o.margin;
    std::cout << dump_json(j, 2) << std::endl;
  } else {
    std::cout << fmt::format("{} on {} (whole pipeline, tta {}, prior power {}, margin {})\n", name,
                             o.photos.string(), tta, o.prior_power, o.margin)
              << result.to_text();
  }
  if (!o.plot.empty()) {
    plot::plot_confusion_matrix(result.metrics.confusion, result.metrics.classes, o.plot,
                                fmt::format("{} on {} (tta {})", plot_name(co.models),
                                            o.photos.parent_path().filename().string(), tta));
    spdlog::info("confusion matrix: {}", o.plot.string());
  }
  if (result.metrics.n == 0 && result.failures.empty()) {
    spdlog::error("no face was found in any of the {} photos", photos.size());
  }
  return exit_code(result.outcome());
}
#endif

}  // namespace

int run_eval(const EvalOptions& o) {
  if (o.threads > 0) torch::set_num_threads(o.threads);
#ifdef EMOMUSIC_EVAL_PHOTOS
  if (!o.photos.empty()) return run_photo_eval(o);
#endif
  if (o.dataset.data.empty()) throw UsageError("eval needs --data (or --photos)");
  nn::ClassifierOptions co;
  co.models = models_to_evaluate(o);
  co.device = o.device;
  co.tta = o.tta;
  co.prior_power = o.prior_power;
  std::vector<std::filesystem::path> inputs = co.models;
  inputs.push_back(o.dataset.data);
  check_output_files(inputs, {o.plot});
  // Load the model before the data: a bad model path should fail in a second, not after parsing.
  auto classifier = nn::make_classifier(co);
  const std::string name = nn::describe_models(co.models);
  const std::string tta = nn::to_string(o.tta);
  // The data's labels are the 7 emotions in label order: read the model's columns by name, so a
  // model with other classes, a duplicate or another order cannot mislabel the matrix.
  const auto columns = nn::emotion_columns(classifier->spec().classes, name);
  const auto label_order = torch::tensor(std::vector<int64_t>(columns.begin(), columns.end()));
  const std::vector<std::string> classes(emotion_names().begin(), emotion_names().end());

  const auto all = load_dataset(o.dataset, !o.json);
  const std::string split = o.split.empty() ? data::default_eval_split(all) : o.split;
  const auto subset = data::take_shard(all.split(split), o.shard);
  spdlog::info("evaluating {} on {} ({} faces, tta {}, prior power {})", name, split, subset.size(),
               tta, o.prior_power);

  const auto predict = [&](const torch::Tensor& faces) {
    return classifier->predict(faces).index_select(1, label_order);
  };
  const auto result = train::evaluate(predict, subset, classes, o.batch_size, true);
  if (o.json) {
    auto j = result.metrics.to_json();
    j["model"] = name;
    j["models"] = nlohmann::json::array();
    for (const auto& m : co.models) j["models"].push_back(m.string());
    j["split"] = split;
    if (o.shard.count > 1) j["shard"] = to_string(o.shard);
    j["tta"] = tta;
    j["prior_power"] = o.prior_power;
    j["loss"] = result.loss;
    std::cout << dump_json(j, 2) << std::endl;
  } else {
    std::cout << fmt::format("{} on {} ({}, tta {}, prior power {})\n", name, split,
                             o.dataset.data.filename().string(), tta, o.prior_power)
              << result.metrics.to_text();
  }
  if (!o.plot.empty()) {
    plot::plot_confusion_matrix(result.metrics.confusion, result.metrics.classes, o.plot,
                                fmt::format("{} on {} (tta {})", plot_name(co.models), split, tta));
    spdlog::info("confusion matrix: {}", o.plot.string());
  }
  return 0;
}

}  // namespace emomusic::app
