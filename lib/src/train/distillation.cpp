#include "distillation.hpp"

#include <fmt/format.h>

#include "device_scopes.hpp"
#include "emomusic/core/emotion.hpp"
#include "emomusic/core/error.hpp"
#include "model_fit.hpp"

namespace emomusic::train {

Teachers::Teachers(const std::vector<std::filesystem::path>& paths, const nn::InputSpec& student,
                   const torch::Device& device) {
  for (const auto& path : paths) {
    auto model = nn::load_model(path, device);
    const nn::InputSpec& in = model.spec.input;
    check_face_size(path, in, student);
    // Equalisation is per image and not linear: the student's inputs could not be turned back
    // into what this teacher expects.
    if (in.equalize != student.equalize) {
      throw ModelError(
          fmt::format("{}: equalizes faces with '{}', this run with '{}'; a teacher "
                      "must prepare faces as the network it teaches does",
                      path.string(), nn::to_string(in.equalize), nn::to_string(student.equalize)));
    }
    const auto columns = nn::emotion_columns(model.spec.classes, path.string());
    std::vector<std::int64_t> order(columns.begin(), columns.end());
    auto index = torch::tensor(order, torch::kInt64).to(device);
    members_.push_back({std::move(model), std::move(index)});
  }
}

torch::Tensor Teachers::soft_targets(const torch::Tensor& x, const nn::InputSpec& student,
                                     double temperature, Precision precision) {
  torch::NoGradGuard no_grad;
  // Back to pixel/255 once; the teachers' own normalisation from there.
  const auto pixels = x * student.std + student.mean;
  torch::Tensor sum;
  for (auto& m : members_) {
    const nn::InputSpec& in = m.model.spec.input;
    torch::Tensor logits;
    {
      const AutocastScope autocast(x.device().type(), precision);
      logits = m.model.net->forward((pixels - in.mean) / in.std);
    }
    const auto p =
        torch::softmax(logits.to(torch::kFloat32) / temperature, 1).index_select(1, m.columns);
    sum = sum.defined() ? sum + p : p;
  }
  return sum / static_cast<double>(members_.size());
}

torch::Tensor distillation_loss(const torch::Tensor& logits, const torch::Tensor& targets,
                                double temperature) {
  const auto log_student = torch::log_softmax(logits / temperature, 1);
  // xlogy: a target of exactly 0 adds 0, not 0 * -inf.
  const auto kl = (torch::xlogy(targets, targets) - targets * log_student).sum(1).mean();
  return kl * (temperature * temperature);
}

}  // namespace emomusic::train
