#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "command.hpp"
#include "emomusic/core/shard.hpp"
#include "emomusic/nn/class_prior.hpp"
#include "emomusic/nn/tta.hpp"
#include "emomusic/vision/detect_run.hpp"
#include "emomusic/vision/face_detector.hpp"
#include "emomusic/vision/option_ranges.hpp"

namespace emomusic::app {

/// `detect`: faces and their emotions from a camera, a video or images. The options bind straight
/// into the library's own option structs, which hold every default.
struct DetectOptions {
  int camera = -1;  ///< -1: no camera
  std::string video;
  std::vector<std::string> images;  ///< "-" reads one image from stdin
  std::vector<std::string> dirs;
  std::vector<std::filesystem::path> models;  ///< empty: the default model; more: an ensemble
  std::string device = "cpu";
  std::optional<nn::Tta>
      tta;  ///< absent: vision::kStillImageTta for images, kStreamTta for streams
  double prior_power = nn::kDefaultPriorPower;  ///< logit adjustment τ (nn/class_prior.hpp)
  vision::DetectorOptions detector;
  double margin = vision::kDefaultFaceMargin;
  /// A stream's options; its `output` is the annotated image or folder for images too.
  vision::StreamOptions stream;
  bool show = false;
  std::string history_db;   ///< --once: where the settled mood is recorded; empty: the default
  bool no_history = false;  ///< --once: record nothing
  vision::OutputFormat format = vision::OutputFormat::kText;
  Shard shard;  ///< only that share of the images (core/shard.hpp); {0, 1}: all
};

void setup_detect(CLI::App& app, Command& command);
int run_detect(const DetectOptions& options);

}  // namespace emomusic::app
