#include "emomusic/train/schedule.hpp"

#include <algorithm>
#include <cmath>

#include "emomusic/core/error.hpp"

namespace emomusic::train {

const std::vector<std::string>& schedule_names() {
  static const std::vector<std::string> names{"cosine", "plateau"};  // in ScheduleKind's order
  return names;
}

LearningRate::LearningRate(ScheduleOptions options, int total_epochs)
    : o_(std::move(options)), total_epochs_(std::max(total_epochs, 1)) {
  if (o_.base_lr <= 0) throw UsageError("the learning rate must be positive");
}

double LearningRate::at(double epoch) const {
  if (o_.warmup_epochs > 0 && epoch < o_.warmup_epochs) {
    // Linear warm-up from 10% avoids the large early steps that destabilise batch-norm nets.
    return o_.base_lr * (0.1 + 0.9 * epoch / o_.warmup_epochs);
  }
  if (o_.kind == ScheduleKind::kPlateau) return o_.base_lr * plateau_scale_;
  const double span = std::max(1e-9, total_epochs_ - o_.warmup_epochs);
  const double t = std::clamp((epoch - o_.warmup_epochs) / span, 0.0, 1.0);
  const double floor = o_.base_lr * o_.min_lr_ratio;
  return floor + (o_.base_lr - floor) * 0.5 * (1 + std::cos(M_PI * t));
}

void LearningRate::end_epoch(double val_accuracy) {
  if (val_accuracy > best_) {
    best_ = val_accuracy;
    bad_epochs_ = 0;
  } else if (++bad_epochs_ >= o_.plateau_patience) {
    plateau_scale_ *= o_.plateau_factor;
    bad_epochs_ = 0;
  }
}

nlohmann::json LearningRate::state() const {
  return {{"plateau_scale", plateau_scale_}, {"best", best_}, {"bad_epochs", bad_epochs_}};
}

void LearningRate::restore(const nlohmann::json& s) {
  plateau_scale_ = s.value("plateau_scale", 1.0);
  best_ = s.value("best", -1.0);
  bad_epochs_ = s.value("bad_epochs", 0);
}

}  // namespace emomusic::train
