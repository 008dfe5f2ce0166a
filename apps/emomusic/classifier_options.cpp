#include "classifier_options.hpp"

#include "emomusic/nn/class_prior.hpp"
#include "emomusic/vision/option_ranges.hpp"
#include "option_range.hpp"

namespace emomusic::app {

CLI::Option* add_prior_power_option(CLI::App& cmd, double& power) {
  return cmd
      .add_option("--prior-power", power,
                  "Divide the probabilities by the model's training class frequencies to this "
                  "power before choosing (logit adjustment; 0: off, 1: the whole prior; "
                  "docs/vision.md)")
      ->capture_default_str()
      ->check(in_range(nn::kPriorPowerRange));
}

CLI::Option* add_face_margin_option(CLI::App& cmd, double& margin) {
  return cmd
      .add_option("--margin", margin,
                  "Border added around the detected face on each side, as a fraction of its "
                  "size (negative: inside it)")
      ->capture_default_str()
      ->check(in_range(vision::kFaceMarginRange));
}

}  // namespace emomusic::app
