#pragma once
/// @file
/// Learning-rate schedules with linear warm-up: cosine decay to a floor, or reduce-on-plateau of
/// the validation accuracy.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace emomusic::train {

/// After the warm-up: cosine decay to a floor, or reduce-on-plateau of the validation accuracy.
enum class ScheduleKind { kCosine, kPlateau };
/// The names of ScheduleKind's values, in its order: "cosine", "plateau".
const std::vector<std::string>& schedule_names();

struct ScheduleOptions {
  ScheduleKind kind = ScheduleKind::kCosine;
  double base_lr = 2e-3;
  double warmup_epochs = 1;
  double min_lr_ratio = 0.01;  ///< cosine floor, as a fraction of base_lr
  double plateau_factor = 0.5;
  int plateau_patience = 3;  ///< epochs without improvement before reducing
};

class LearningRate {
 public:
  LearningRate(ScheduleOptions options, int total_epochs);
  /// The rate at a fractional epoch (e.g. 3.25 = a quarter into the fourth epoch).
  double at(double epoch) const;
  /// Feeds the epoch's validation accuracy to the plateau rule.
  void end_epoch(double val_accuracy);

  nlohmann::json state() const;
  void restore(const nlohmann::json& state);

 private:
  ScheduleOptions o_;
  int total_epochs_;
  double plateau_scale_ = 1.0;
  double best_ = -1;
  int bad_epochs_ = 0;
};

}  // namespace emomusic::train
