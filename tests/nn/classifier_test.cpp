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
  o.models = {dir_ / "m.safetensors"};
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
  o.models = {dir_ / "m.safetensors"};
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
  // The CLI offers exactly tta_names(): each must parse, and name itself back.
  for (const auto& name : tta_names()) EXPECT_EQ(to_string(parse_tta(name)), name);
}

TEST_F(ClassifierTest, EnsembleAveragesItsMembersProbabilities) {
  // A second member with other weights and other normalisation: each member must see the faces
  // normalised its own way, and the ensemble must give the mean of the two.
  torch::manual_seed(9);
  ModelSpec other = spec_;
  other.input.mean = 0.3;
  other.input.std = 0.2;
  auto net2 = make_network(other.arch, 48, 7);
  net2->train();
  net2->forward(torch::randn({8, 1, 48, 48}));
  save_model(dir_ / "m2.safetensors", net2, other, {});

  ClassifierOptions o;
  o.models = {dir_ / "m.safetensors"};
  const auto faces = torch::randint(0, 256, {4, 48, 48}).to(torch::kUInt8);
  const auto p1 = make_classifier(o)->predict(faces);
  o.models = {dir_ / "m2.safetensors"};
  const auto p2 = make_classifier(o)->predict(faces);
  ASSERT_FALSE(torch::allclose(p1, p2, 1e-3, 1e-3));
  o.models = {dir_ / "m.safetensors", dir_ / "m2.safetensors"};
  const auto both = make_classifier(o)->predict(faces);
  EXPECT_TRUE(torch::allclose(both, (p1 + p2) / 2, 1e-5, 1e-6));
  EXPECT_EQ(describe_models(o.models), "m.safetensors + m2.safetensors");
  EXPECT_EQ(describe_models({}), "the default model");
}

TEST_F(ClassifierTest, EnsembleMembersMustAgreeOnClassesAndInput) {
  ModelSpec reordered = spec_;
  std::swap(reordered.classes[0], reordered.classes[1]);
  save_model(dir_ / "reordered.safetensors", net_, reordered, {});
  ClassifierOptions o;
  o.models = {dir_ / "m.safetensors", dir_ / "reordered.safetensors"};
  try {
    make_classifier(o);
    FAIL() << "members with other classes were accepted";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("reordered.safetensors: classes differ"),
              std::string::npos)
        << e.what();
  }

  ModelSpec small = spec_;
  small.input.size = 40;
  auto net40 = make_network(small.arch, 40, 7);
  net40->eval();
  save_model(dir_ / "small.safetensors", net40, small, {});
  o.models = {dir_ / "m.safetensors", dir_ / "small.safetensors"};
  try {
    make_classifier(o);
    FAIL() << "members with another input size were accepted";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("small.safetensors: input size 40"), std::string::npos)
        << e.what();
  }
}

TEST(Classifier, MissingModelIsAModelError) {
  ClassifierOptions o;
  o.models = {"/nonexistent/emotion.safetensors"};
  EXPECT_THROW(make_classifier(o), ModelError);
}

}  // namespace emomusic::nn
