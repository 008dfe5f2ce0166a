#pragma once
#include <CLI/CLI.hpp>
#include <filesystem>
#include <vector>

#include "command.hpp"

namespace emomusic::app {

struct AverageOptions {
  std::vector<std::filesystem::path> models;
  std::vector<double> weights;  ///< empty: equal
  std::filesystem::path out;
  bool overwrite = false;
};

void setup_average(CLI::App& app, Command& command);
int run_average(const AverageOptions& options);

}  // namespace emomusic::app
