// Measures the train/eval path: dataset loading, training throughput per architecture, and
// inference latency/throughput. Prints one JSON object per measurement on stdout.
//   bench_model load  --data fer2013.csv.gz
//   bench_model train --arch vgg --steps 30
//   bench_model infer [--model FILE] --batch 1 --batch 64

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "emomusic/core/paths.hpp"
#include "emomusic/data/loader.hpp"
#include "emomusic/nn/classifier.hpp"
#include "emomusic/nn/model_file.hpp"
#include "emomusic/nn/preprocess.hpp"
#include "emomusic/train/augment.hpp"
#include "emomusic/train/trainer.hpp"

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

void emit(nlohmann::json j) {
  j["threads"] = torch::get_num_threads();
  std::cout << j.dump() << std::endl;
}

emomusic::nn::ArchSpec arch_named(const std::string& name) {
  emomusic::nn::ArchSpec a;
  a.name = name;
  if (name == "baseline") a.dropout = 0.5;
  return a;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace emomusic;
  CLI::App app{"emomusic benchmarks"};
  int threads = 0;
  app.add_option("--threads", threads, "CPU threads (0: default)");
  app.require_subcommand(1);

  std::string data_path;
  auto* load = app.add_subcommand("load", "Dataset parse time (no cache) and packed load time");
  load->add_option("--data", data_path)->required();

  std::vector<std::string> archs = {"baseline", "vgg"};
  std::string channels_unused;
  int steps = 20, batch = 64, convs = 2;
  auto* train =
      app.add_subcommand("train", "Training images/s (forward, backward, step, augmentation)");
  train->add_option("--arch", archs);
  train->add_option("--steps", steps);
  train->add_option("--batch", batch);
  train->add_option("--convs-per-stage", convs, "vgg depth");

  std::string model;
  std::vector<int> batches = {1, 64};
  int repeats = 200;
  auto* infer = app.add_subcommand("infer", "Inference latency and faces/s of a model file");
  infer->add_option("--model", model, "default: the shipped model");
  infer->add_option("--batch", batches);
  infer->add_option("--repeats", repeats, "faces measured per batch size (at least 5 batches)");
  CLI11_PARSE(app, argc, argv);
  if (threads > 0) torch::set_num_threads(threads);

  if (*load) {
    data::LoadOptions o;
    o.use_cache = false;
    o.show_progress = false;
    auto t = Clock::now();
    const auto d = data::load_dataset(data_path, o);
    const double parse = since(t);
    const auto packed =
        std::filesystem::temp_directory_path() / "emomusic-bench-packed.safetensors";
    data::save_packed(d, packed);
    t = Clock::now();
    const auto p = data::load_dataset(packed, o);
    const double packed_s = since(t);
    std::filesystem::remove(packed);
    emit({{"bench", "load"},
          {"source", data_path},
          {"rows", d.size()},
          {"parse_seconds", parse},
          {"packed_seconds", packed_s},
          {"packed_rows", p.size()}});
  }
  if (*train) {
    for (const auto& name : archs) {
      auto arch = arch_named(name);
      arch.convs_per_stage = convs;
      auto net = nn::make_network(arch, 48, 7);
      net->train();
      torch::optim::AdamW opt(net->parameters(), torch::optim::AdamWOptions(1e-3));
      nn::InputSpec input;
      const auto faces = torch::randint(0, 256, {batch, 48, 48}).to(torch::kUInt8);
      const auto labels = torch::randint(0, 7, {batch}, torch::kInt64);
      const auto step = [&] {
        auto x = train::augment_batch(nn::normalize_faces(faces, input), train::AugmentOptions{});
        auto loss = torch::nn::functional::cross_entropy(net->forward(x), labels);
        opt.zero_grad();
        loss.backward();
        opt.step();
      };
      for (int i = 0; i < 3; ++i) step();  // warm-up: allocator, oneDNN kernels
      const auto t = Clock::now();
      for (int i = 0; i < steps; ++i) step();
      const double s = since(t);
      emit({{"bench", "train"},
            {"arch", name},
            {"convs_per_stage", convs},
            {"parameters", nn::count_parameters(*net)},
            {"batch", batch},
            {"images_per_second", steps * batch / s}});
    }
  }
  if (*infer) {
    nn::ClassifierOptions o;
    o.models = {model.empty() ? default_model_path() : std::filesystem::path(model)};
    auto classifier = nn::make_classifier(o);
    for (int b : batches) {
      const auto faces = torch::randint(0, 256, {b, 48, 48}).to(torch::kUInt8);
      for (int i = 0; i < 3; ++i) classifier->predict(faces);
      const int iterations = std::max(5, repeats / b);
      const auto t = Clock::now();
      for (int i = 0; i < iterations; ++i) classifier->predict(faces);
      const double s = since(t);
      emit({{"bench", "infer"},
            {"model", o.models.front().string()},
            {"batch", b},
            {"ms_per_batch", 1000 * s / iterations},
            {"faces_per_second", iterations * b / s}});
    }
  }
  return 0;
}
