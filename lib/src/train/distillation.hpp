#pragma once
// Knowledge distillation (Hinton et al. 2015, "Distilling the Knowledge in a Neural Network"):
// besides its labels, the network learns the averaged predictions of teacher models, made on the
// very faces it sees in the step, augmented and mixed alike. Beyer et al. 2022 ("Knowledge
// distillation: A good teacher is patient and consistent") found such consistent views, rather
// than soft labels fixed once per image, what lets a small student match its teachers.

#include <torch/torch.h>

#include <filesystem>
#include <vector>

#include "emomusic/nn/model_file.hpp"
#include "emomusic/nn/model_spec.hpp"
#include "emomusic/train/trainer.hpp"

namespace emomusic::train {

class Teachers {
 public:
  /// Loads the model files `paths` on `device`. Each must classify the 7 emotions (any order: its
  /// columns are put in label order) on faces of `student.size` prepared with `student.equalize`;
  /// ModelError naming the file otherwise.
  Teachers(const std::vector<std::filesystem::path>& paths, const nn::InputSpec& student,
           const torch::Device& device);

  bool empty() const { return members_.empty(); }

  /// The teachers' mean probabilities at `temperature` (float32, [N, 7] in label order) for
  /// faces `x` normalised for the student by `student` (its mean and std may differ from each
  /// teacher's, which is then undone: the teachers see the same pixels). No gradient.
  torch::Tensor soft_targets(const torch::Tensor& x, const nn::InputSpec& student,
                             double temperature, Precision precision);

 private:
  struct Member {
    nn::LoadedModel model;
    torch::Tensor columns;  // the file's output column of each emotion, in label order
  };
  std::vector<Member> members_;
};

/// KL(targets ‖ softmax(logits / T)) averaged over the batch and scaled by T², which keeps its
/// gradients the size of a cross-entropy's whatever T (Hinton et al.). `logits` float32.
torch::Tensor distillation_loss(const torch::Tensor& logits, const torch::Tensor& targets,
                                double temperature);

}  // namespace emomusic::train
