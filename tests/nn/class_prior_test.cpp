#include "emomusic/nn/class_prior.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "emomusic/core/error.hpp"
#include "emomusic/nn/classifier.hpp"
#include "emomusic/nn/model_file.hpp"
#include "test_support.hpp"

namespace emomusic::nn {
namespace {

const std::vector<std::string> kLabelOrder = {"angry", "disgust",  "fear",   "happy",
                                              "sad",   "surprise", "neutral"};

}  // namespace

TEST(ClassPrior, AdjustmentIsPinnedOnFixedInputs) {
  const auto p = torch::tensor({{0.5f, 0.3f, 0.2f}, {0.2f, 0.2f, 0.6f}});
  const std::vector<double> f = {0.5, 0.25, 0.25};
  // τ = 1: p / f = (1, 1.2, 0.8) / 3 — the first row's argmax moves from class 0 to class 1.
  const auto whole = adjust_for_prior(p, f, 1.0);
  EXPECT_NEAR(whole[0][0].item<float>(), 1.0 / 3, 1e-6);
  EXPECT_NEAR(whole[0][1].item<float>(), 1.2 / 3, 1e-6);
  EXPECT_NEAR(whole[0][2].item<float>(), 0.8 / 3, 1e-6);
  EXPECT_EQ(whole[0].argmax().item<int64_t>(), 1);
  // τ = 0.5: p / √f = (0.7071, 0.6, 0.4) / 1.7071.
  const auto half = adjust_for_prior(p, f, 0.5);
  const double s = 0.5 / std::sqrt(0.5) + 0.3 / 0.5 + 0.2 / 0.5;
  EXPECT_NEAR(half[0][0].item<float>(), 0.5 / std::sqrt(0.5) / s, 1e-6);
  EXPECT_NEAR(half[0][1].item<float>(), 0.6 / s, 1e-6);
  EXPECT_TRUE(torch::allclose(half.sum(1), torch::ones({2}), 1e-6, 1e-6));
  // Rows are adjusted independently: the second keeps its argmax.
  EXPECT_EQ(half[1].argmax().item<int64_t>(), 2);
  // τ = 0 is the identity, bit for bit.
  EXPECT_TRUE(torch::equal(adjust_for_prior(p, f, 0.0), p));
}

TEST(ClassPrior, FrequenciesDefaultToFer2013TrainingInTheModelsOrder) {
  double total = 0;
  for (double c : kFer2013TrainingCounts) total += c;
  EXPECT_EQ(total, 28709);
  const auto f = training_class_frequencies(kLabelOrder, {}, "m");
  ASSERT_EQ(f.size(), 7u);
  EXPECT_NEAR(f[3], 7215 / 28709.0, 1e-12);  // happy
  EXPECT_NEAR(f[1], 436 / 28709.0, 1e-12);   // disgust
  // A model listing its classes in another order gets each class's own frequency.
  auto reordered = kLabelOrder;
  std::swap(reordered[1], reordered[3]);
  const auto g = training_class_frequencies(reordered, nlohmann::json::object(), "m");
  EXPECT_NEAR(g[1], 7215 / 28709.0, 1e-12);
  EXPECT_NEAR(g[3], 436 / 28709.0, 1e-12);
}

TEST(ClassPrior, RecordedCountsWinAndAZeroCountStaysFinite) {
  nlohmann::json training;
  training["class_counts"] = {{"angry", 1}, {"disgust", 0},  {"fear", 1},   {"happy", 4},
                              {"sad", 1},   {"surprise", 1}, {"neutral", 1}};
  const auto f = training_class_frequencies(kLabelOrder, training, "m");
  EXPECT_NEAR(f[3], 4 / 10.0, 1e-12);
  EXPECT_NEAR(f[1], 1 / 10.0, 1e-12) << "a class never seen counts as one face";
}

TEST(ClassPrior, MalformedCountsAndOtherClassesAreModelErrors) {
  const auto expect_error = [](const std::vector<std::string>& classes,
                               const nlohmann::json& training, const std::string& fragment) {
    try {
      training_class_frequencies(classes, training, "m.safetensors");
      FAIL() << "accepted " << training.dump();
    } catch (const ModelError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  expect_error(kLabelOrder, {{"class_counts", 5}}, "m.safetensors: training.class_counts");
  expect_error(kLabelOrder, {{"class_counts", {{"angry", 1}}}}, "no count for disgust");
  nlohmann::json negative = {{"class_counts", nlohmann::json::object()}};
  for (const auto& c : kLabelOrder) negative["class_counts"][c] = 1;
  negative["class_counts"]["sad"] = -3;
  expect_error(kLabelOrder, negative, "count for sad");
  negative["class_counts"]["sad"] = "many";
  expect_error(kLabelOrder, negative, "count for sad");
  expect_error({"cat", "dog"}, {}, "m.safetensors");
}

TEST(ClassPrior, PowerOutsideZeroToTheMaximumIsAUsageError) {
  EXPECT_NO_THROW(check_prior_power(0));
  EXPECT_NO_THROW(check_prior_power(0.5));
  EXPECT_NO_THROW(check_prior_power(kPriorPowerRange.hi));
  EXPECT_THROW(check_prior_power(-0.1), UsageError);
  EXPECT_THROW(check_prior_power(kPriorPowerRange.hi + 0.5), UsageError);
  EXPECT_THROW(check_prior_power(std::numeric_limits<double>::quiet_NaN()), UsageError);
}

class PriorClassifierTest : public ::testing::Test {
 protected:
  void save(const std::string& name, int seed, const nlohmann::json& training) {
    torch::manual_seed(seed);
    ModelSpec spec;
    spec.arch.channels = {8, 16};
    spec.arch.hidden = 16;
    spec.classes = kLabelOrder;
    auto net = make_network(spec.arch, 48, 7);
    net->train();
    net->forward(torch::randn({8, 1, 48, 48}));
    save_model(dir_ / name, net, spec, training);
  }
  torch::Tensor predict(const std::vector<std::string>& names, double power) {
    ClassifierOptions o;
    for (const auto& n : names) o.models.push_back(dir_ / n);
    o.prior_power = power;
    return make_classifier(o)->predict(faces_);
  }
  test::TempDir dir_;
  torch::Tensor faces_ = torch::randint(0, 256, {5, 48, 48}).to(torch::kUInt8);
};

TEST_F(PriorClassifierTest, ClassifierDividesOutTheModelsPrior) {
  save("plain.safetensors", 5, {});
  const auto raw = predict({"plain.safetensors"}, 0);
  const auto fer = training_class_frequencies(kLabelOrder, {}, "");
  EXPECT_TRUE(torch::allclose(predict({"plain.safetensors"}, 0.5), adjust_for_prior(raw, fer, 0.5),
                              1e-5, 1e-6));

  // An ensemble divides its mean by the mean of its members' frequencies.
  nlohmann::json counted;
  counted["class_counts"] = {{"angry", 10}, {"disgust", 10},  {"fear", 10},   {"happy", 100},
                             {"sad", 10},   {"surprise", 10}, {"neutral", 50}};
  save("counted.safetensors", 7, counted);
  const auto mean = (raw + predict({"counted.safetensors"}, 0)) / 2;
  const auto own = training_class_frequencies(kLabelOrder, counted, "");
  std::vector<double> both(7);
  for (int i = 0; i < 7; ++i) both[i] = (fer[i] + own[i]) / 2;
  EXPECT_TRUE(torch::allclose(predict({"plain.safetensors", "counted.safetensors"}, 0.75),
                              adjust_for_prior(mean, both, 0.75), 1e-5, 1e-6));

  ClassifierOptions bad;
  bad.models = {dir_ / "plain.safetensors"};
  bad.prior_power = -1;
  EXPECT_THROW(make_classifier(bad), UsageError);
}

}  // namespace emomusic::nn
