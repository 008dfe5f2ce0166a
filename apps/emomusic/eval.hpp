#pragma once
#include <CLI/CLI.hpp>

#include "command.hpp"
#include "dataset_options.hpp"
#include "emomusic/core/shard.hpp"
#include "emomusic/nn/class_prior.hpp"
#include "emomusic/nn/tta.hpp"
#include "emomusic/vision/option_ranges.hpp"

namespace emomusic::app {

struct EvalOptions {
  std::vector<std::filesystem::path> models;  ///< empty: the shipped model; more: an ensemble
  DatasetOptions dataset;
  /// Instead of a dataset of crops: a labels file of photographs (path,label), run through the
  /// whole pipeline (face detection, crop, classification).
  std::filesystem::path photos;
  double margin = vision::kDefaultFaceMargin;  ///< photos: the crop around each detected face
  std::string split;                           ///< empty: PrivateTest, else PublicTest, else Test
  nn::Tta tta = nn::Tta::kTenCrop;  ///< the most accurate for the shipped model (see its card)
  double prior_power = nn::kDefaultPriorPower;  ///< logit adjustment τ (nn/class_prior.hpp)
  bool json = false;
  std::filesystem::path plot;  ///< confusion-matrix PNG
  int batch_size = 256;
  std::string device = "cpu";
  int threads = 0;
  Shard shard;  ///< only that share of the rows or photos (core/shard.hpp); {0, 1}: all
};

void setup_eval(CLI::App& app, Command& command);
int run_eval(const EvalOptions& options);

}  // namespace emomusic::app
