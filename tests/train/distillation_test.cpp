// Knowledge distillation's parts (lib/src/train/distillation.hpp): the loss, and teachers that see
// the student's pixels whatever the two normalisations and class orders;
// tests/train/train_end_to_end_test.cpp trains with them.

#include "distillation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "emomusic/core/emotion.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/nn/model_file.hpp"
#include "emomusic/nn/network.hpp"
#include "emomusic/nn/preprocess.hpp"
#include "test_support.hpp"

namespace emomusic::train {
namespace {
namespace fs = std::filesystem;

TEST(DistillationLoss, IsZeroWhereTheNetworkAgreesAndPullsItTowardsTheTeachers) {
  torch::manual_seed(3);
  const double t = 2.0;
  const auto teacher_logits = torch::randn({5, kEmotionCount});
  const auto targets = torch::softmax(teacher_logits / t, 1);
  EXPECT_NEAR(distillation_loss(teacher_logits, targets, t).item<double>(), 0.0, 1e-6);

  auto logits = torch::zeros({5, kEmotionCount}, torch::requires_grad());
  const auto before = distillation_loss(logits, targets, t);
  EXPECT_GT(before.item<double>(), 0.01);
  before.backward();
  const auto stepped = (logits - 0.5 * logits.grad()).detach();
  EXPECT_LT(distillation_loss(stepped, targets, t).item<double>(), before.item<double>());
  // Scaled by T², so that its gradients keep their size whatever T (Hinton et al.).
  const auto z = torch::randn({5, kEmotionCount});
  EXPECT_NEAR(distillation_loss(z, targets, t).item<double>(),
              t * t * distillation_loss(z / t, targets, 1.0).item<double>(), 1e-5);

  // A target of exactly 0 (a teacher certain of the rest) adds nothing, rather than NaN.
  auto certain = torch::zeros({1, kEmotionCount});
  certain[0][2] = 1.0;
  EXPECT_TRUE(std::isfinite(
      distillation_loss(torch::zeros({1, kEmotionCount}), certain, t).item<double>()));
}

class DistillationTeachers : public ::testing::Test {
 protected:
  // A small random network saved with `input` and the emotions in reverse order.
  fs::path save_teacher(const std::string& name, const nn::InputSpec& input) {
    torch::manual_seed(11);
    nn::ModelSpec spec;
    spec.arch.channels = {8};
    spec.arch.hidden = 16;
    spec.input = input;
    const auto& names = emotion_names();
    spec.classes.assign(names.rbegin(), names.rend());
    auto net = nn::make_network(spec.arch, input.size, kEmotionCount);
    net->eval();
    const auto path = dir_ / name;
    nn::save_model(path, net, spec, {});
    return path;
  }
  test::TempDir dir_;
};

TEST_F(DistillationTeachers, SeeTheStudentsPixelsInLabelOrder) {
  nn::InputSpec teacher_input;
  teacher_input.mean = 0.3;
  teacher_input.std = 0.2;
  const auto path = save_teacher("teacher.safetensors", teacher_input);
  nn::InputSpec student;
  student.mean = 0.6;
  student.std = 0.1;

  torch::manual_seed(5);
  const auto faces = torch::randint(0, 256, {4, 48, 48}, torch::kUInt8);
  Teachers teachers({path}, student, torch::kCPU);
  const auto got = teachers.soft_targets(nn::normalize_faces(faces, student, torch::kCPU), student,
                                         1.0, Precision::kFp32);

  // What the teacher itself says, from the same faces with its own normalisation.
  auto model = nn::load_model(path);
  torch::NoGradGuard no_grad;
  const auto own =
      torch::softmax(model.net->forward(nn::normalize_faces(faces, teacher_input, torch::kCPU)), 1);
  ASSERT_EQ(got.sizes(), own.sizes());
  for (int e = 0; e < kEmotionCount; ++e) {
    // The file lists the emotions in reverse, so emotion e is its column 6 - e.
    EXPECT_TRUE(torch::allclose(got.select(1, e), own.select(1, kEmotionCount - 1 - e), 1e-4, 1e-5))
        << emotion_names()[e];
  }
  EXPECT_TRUE(torch::allclose(got.sum(1), torch::ones({4}), 1e-5, 1e-5));

  // Two teachers: the mean of their predictions.
  Teachers twice({path, path}, student, torch::kCPU);
  EXPECT_TRUE(torch::allclose(twice.soft_targets(nn::normalize_faces(faces, student, torch::kCPU),
                                                 student, 1.0, Precision::kFp32),
                              got, 1e-5, 1e-6));
}

TEST_F(DistillationTeachers, RefuseOtherFacesNamingTheFile) {
  nn::InputSpec small;
  small.size = 32;
  const auto other_size = save_teacher("small.safetensors", small);
  nn::InputSpec equalized;
  equalized.equalize = nn::Equalize::kHistogram;
  const auto other_equalize = save_teacher("equalized.safetensors", equalized);
  const nn::InputSpec student;
  for (const auto& path : {other_size, other_equalize}) {
    try {
      Teachers({path}, student, torch::kCPU);
      ADD_FAILURE() << path << " was accepted";
    } catch (const ModelError& e) {
      EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace emomusic::train
