#pragma once
#include <CLI/CLI.hpp>

#include "command.hpp"
#include "dataset_options.hpp"
#include "emomusic/train/trainer.hpp"

namespace emomusic::app {

struct TrainCommandOptions {
  DatasetOptions dataset;
  train::TrainOptions train;  ///< defaults live in the library's struct
  std::string val_split;      ///< empty: PublicTest, else Test
  std::int64_t limit = 0;     ///< use only this many training images (quick runs); 0 = all
  std::string channels = "32,64,128,256";
  std::string equalize = "none";   ///< a name of nn::equalize_names()
  std::string precision = "fp32";  ///< a name of train::precision_names()
};

void setup_train(CLI::App& app, Command& command);
int run_train(const TrainCommandOptions& options);

}  // namespace emomusic::app
