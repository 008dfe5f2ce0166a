#pragma once
// The classifier options that eval, detect, recommend and serve share, declared once.

#include <CLI/CLI.hpp>

namespace emomusic::app {

/// Adds --prior-power (logit adjustment τ, nn/class_prior.hpp) bound to `power`, which holds the
/// default.
CLI::Option* add_prior_power_option(CLI::App& cmd, double& power);

/// Adds --margin (the crop around a detected face, vision::EmotionPipeline) bound to `margin`,
/// which holds the default.
CLI::Option* add_face_margin_option(CLI::App& cmd, double& margin);

}  // namespace emomusic::app
