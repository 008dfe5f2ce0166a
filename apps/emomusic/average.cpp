#include "average.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "emomusic/core/error.hpp"
#include "emomusic/core/output_files.hpp"
#include "emomusic/nn/model_average.hpp"
#include "exit_codes.hpp"

namespace emomusic::app {

void setup_average(CLI::App& app, Command& command) {
  auto o = std::make_shared<AverageOptions>();
  auto* cmd = &app;
  add_description(*cmd,
                  "Writes one model whose weights are the (weighted) mean of the given models': a "
                  "\"model soup\" of fine-tunes of one model, or a model and its fine-tune. It "
                  "costs what one model costs. Models trained from different random starts do "
                  "not average into a working one: measure the result with eval. Exit codes: 2 "
                  "bad options or --out exists, 3 --out is one of the models, 4 a model is "
                  "unreadable or differs from the first in architecture, classes or input.");
  cmd->footer(
      "Examples:\n"
      "  emomusic average base.safetensors tuned.safetensors --out soup.safetensors\n"
      "  emomusic average a.safetensors b.safetensors c.safetensors --out soup.safetensors\n"
      "  emomusic average base.safetensors tuned.safetensors --weights 1,3 --out wise.safetensors");
  cmd->add_option("models", o->models, "Model files to average (two or more)")
      ->required()
      ->expected(2, -1);
  cmd->add_option("--out", o->out, "The averaged model file to write")->required();
  cmd->add_option("--weights", o->weights,
                  "One positive weight per model, comma-separated (normalised to sum 1; "
                  "default: equal)")
      ->delimiter(',');
  cmd->add_flag("--overwrite", o->overwrite, "Replace --out if it exists (without it, refused)");
  cmd->callback([o, &command] { command = [o] { return run_average(*o); }; });
}

int run_average(const AverageOptions& o) {
  check_output_files(o.models, {o.out});
  if (std::filesystem::exists(o.out) && !o.overwrite) {
    throw UsageError(o.out.string() + " exists (--overwrite replaces it)");
  }
  auto mean = nn::average_models(o.models, o.weights);
  mean.training["command"] = command_line();
  nn::save_model(o.out, mean.net, mean.spec, mean.training);
  std::string parts;
  for (const auto& m : mean.training.at(nn::kAveragedFromKey)) {
    parts += fmt::format("{}{} ×{:.3g}", parts.empty() ? "" : " + ",
                         m.at("file").get<std::string>(), m.at("weight").get<double>());
  }
  spdlog::info("wrote {}: the mean of {}", o.out.string(), parts);
  return static_cast<int>(ExitCode::kOk);
}

}  // namespace emomusic::app
