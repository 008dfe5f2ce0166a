#pragma once
// The dataset options that train and eval share, declared once.

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

#include "emomusic/data/loader.hpp"

namespace emomusic::app {

struct DatasetOptions {
  std::filesystem::path data;  ///< CSV (plain/gz), image folder, or packed .safetensors
  bool skip_bad = false;
  bool no_cache = false;
  std::filesystem::path cache_dir;  ///< empty: $XDG_CACHE_HOME/emomusic/datasets
};

/// Adds --data and its options; returns --data, which is required unless `data_required` is false.
CLI::Option* add_dataset_options(CLI::App& cmd, DatasetOptions& o, bool data_required = true);

/// Loads with the options; logs how many rows were skipped and where the cache is.
data::FaceDataset load_dataset(const DatasetOptions& o, bool show_progress);

}  // namespace emomusic::app
