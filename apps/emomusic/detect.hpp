#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "command.hpp"
#include "emomusic/nn/class_prior.hpp"
#include "emomusic/vision/detect_run.hpp"
#include "emomusic/vision/face_crop.hpp"
#include "emomusic/vision/face_detector.hpp"

namespace emomusic::app {

/// `detect`: faces and their emotions from a camera, a video or images. The defaults come from the
/// library's own option structs, so there is one place for each.
struct DetectOptions {
  int camera = -1;  ///< -1: no camera
  std::string video;
  std::vector<std::string> images;  ///< "-" reads one image from stdin
  std::vector<std::string> dirs;
  std::vector<std::filesystem::path> models;  ///< empty: the default model; more: an ensemble
  std::string device = "cpu";
  std::string tta;  ///< empty: vision::kStillImageTta for images, kStreamTta for streams
  double prior_power = nn::kDefaultPriorPower;  ///< logit adjustment τ (nn/class_prior.hpp)
  std::string detector = "haar";
  std::string cascade;  ///< empty: the installed one for --detector
  int min_face = vision::DetectorOptions{}.min_face;
  int detect_width = vision::DetectorOptions{}.detect_width;
  int min_neighbors = vision::DetectorOptions{}.min_neighbors;
  int rescan_every = vision::DetectorOptions{}.rescan_every;
  double margin = vision::kDefaultFaceMargin;
  int every = vision::StreamOptions{}.every;
  int smoothing = vision::TrackerOptions{}.smoothing;
  bool show = false;
  std::string output;
  bool once = false;
  double stable_seconds = vision::StabilityOptions{}.seconds;
  double stable_confidence = vision::StabilityOptions{}.confidence;
  double timeout = vision::StreamOptions{}.timeout_s;
  std::string history_db;   ///< --once: where the settled mood is recorded; empty: the default
  bool no_history = false;  ///< --once: record nothing
  std::string format = "text";
  std::string shard;  ///< "I/N": only that share of the images (core/shard.hpp)
};

void setup_detect(CLI::App& app, Command& command);
int run_detect(const DetectOptions& options);

}  // namespace emomusic::app
