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
  /// Data-parallel runs: how long a rank waits for the others (to meet, and at every exchange)
  /// before it gives up and stops (docs/distributed.md).
  double dist_timeout_seconds = 60;
  std::string rendezvous_file;  ///< meet through this shared file instead of MASTER_ADDR:PORT
};

void setup_train(CLI::App& app, Command& command);
int run_train(const TrainCommandOptions& options);

}  // namespace emomusic::app
