#include "emomusic/nn/classifier.hpp"

#include <gtest/gtest.h>

#include "emomusic/core/error.hpp"
#include "emomusic/nn/model_file.hpp"
#include "emomusic/nn/preprocess.hpp"
#include "test_support.hpp"

namespace emomusic::nn {

TEST(Preprocess, PinsScaleAndNormalisation) {
  InputSpec s;
  s.size = 4;
  s.mean = 0.5;
  s.std = 0.25;
  auto faces = torch::zeros({1, 4, 4}, torch::kUInt8);
  faces[0][0][0] = 255;
  faces[0][1][2] = 51;  // 0.2
  const auto x = normalize_faces(faces, s);
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{1, 1, 4, 4}));
  EXPECT_NEAR(x[0][0][0][0].item<float>(), (1.0 - 0.5) / 0.25, 1e-5);
  EXPECT_NEAR(x[0][0][1][2].item<float>(), (0.2 - 0.5) / 0.25, 1e-5);
  EXPECT_NEAR(x[0][0][3][3].item<float>(), (0.0 - 0.5) / 0.25, 1e-5);
  EXPECT_THROW(normalize_faces(torch::zeros({1, 5, 5}, torch::kUInt8), s), std::invalid_argument);
  EXPECT_THROW(normalize_faces(torch::zeros({1, 4, 4}), s), std::invalid_argument);
}

TEST(Preprocess, DeviceNames) {
  EXPECT_TRUE(parse_device("cpu").is_cpu());
  EXPECT_THROW(parse_device("tpu"), UsageError);
  if (!torch::cuda::is_available()) {
    EXPECT_THROW(parse_device("cuda"), UnavailableError);
  }
}

class ClassifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::manual_seed(5);
    spec_.arch.channels = {8, 16};
    spec_.arch.hidden = 16;
    spec_.classes = {"angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"};
    net_ = make_network(spec_.arch, 48, 7);
    net_->train();
    net_->forward(torch::randn({8, 1, 48, 48}));
    save_model(dir_ / "m.safetensors", net_, spec_, {});
  }
  test::TempDir dir_;
  ModelSpec spec_;
  EmotionNet net_;
};

TEST_F(ClassifierTest, ProbabilitiesMatchTheNetworkAndSumToOne) {
  ClassifierOptions o;
  o.model = dir_ / "m.safetensors";
  auto c = make_classifier(o);
  EXPECT_EQ(c->input_size(), 48);
  const auto faces = torch::randint(0, 256, {3, 48, 48}).to(torch::kUInt8);
  const auto p = c->predict(faces);
  EXPECT_EQ(p.sizes(), (std::vector<int64_t>{3, 7}));
  EXPECT_TRUE(torch::allclose(p.sum(1), torch::ones({3}), 1e-5, 1e-5));
  // The folded classifier gives what the unfolded training network gives.
  net_->eval();
  const auto expected = torch::softmax(net_->forward(normalize_faces(faces, spec_.input)), 1);
  EXPECT_TRUE(torch::allclose(p, expected, 1e-4, 1e-5));
}

TEST_F(ClassifierTest, TtaViewsAverageProbabilities) {
  ClassifierOptions o;
  o.model = dir_ / "m.safetensors";
  const auto face = torch::randint(0, 256, {1, 48, 48}).to(torch::kUInt8);
  o.tta = Tta::kFlip;
  const auto flip = make_classifier(o)->predict(face);
  net_->eval();
  const auto x = normalize_faces(face, spec_.input);
  const auto expected =
      (torch::softmax(net_->forward(x), 1) + torch::softmax(net_->forward(x.flip({3})), 1)) / 2;
  EXPECT_TRUE(torch::allclose(flip, expected, 1e-4, 1e-5));
  o.tta = Tta::kTenCrop;
  const auto ten = make_classifier(o)->predict(face);
  EXPECT_NEAR(ten.sum().item<float>(), 1.0f, 1e-5);
  EXPECT_EQ(parse_tta("tencrop"), Tta::kTenCrop);
  EXPECT_THROW(parse_tta("twelvecrop"), UsageError);
}

TEST(Classifier, MissingModelIsAModelError) {
  ClassifierOptions o;
  o.model = "/nonexistent/emotion.safetensors";
  EXPECT_THROW(make_classifier(o), ModelError);
}

}  // namespace emomusic::nn
