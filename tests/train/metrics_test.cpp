#include "emomusic/train/metrics.hpp"

#include <gtest/gtest.h>

#include "emomusic/train/trainer.hpp"

namespace emomusic::train {

TEST(Metrics, MatchHandComputedValues) {
  // true\pred   a  b  c
  //   a         5  1  0
  //   b         2  3  1
  //   c         0  0  0   (no examples: recall 0, precision of c is 1/2)
  ConfusionCounter counter({"a", "b", "c"});
  const auto truth = torch::tensor({0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, torch::kInt64);
  const auto pred = torch::tensor({0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 2}, torch::kInt64);
  counter.add(pred.narrow(0, 0, 5), truth.narrow(0, 0, 5));  // in two batches
  counter.add(pred.narrow(0, 5, 7), truth.narrow(0, 5, 7));
  const auto m = counter.metrics();
  EXPECT_EQ(m.confusion, (std::vector<std::vector<int64_t>>{{5, 1, 0}, {2, 3, 1}, {0, 0, 0}}));
  EXPECT_EQ(m.n, 12);
  EXPECT_DOUBLE_EQ(m.accuracy, 8.0 / 12);
  EXPECT_DOUBLE_EQ(m.per_class[0].precision, 5.0 / 7);
  EXPECT_DOUBLE_EQ(m.per_class[0].recall, 5.0 / 6);
  EXPECT_NEAR(m.per_class[0].f1, 2 * (5.0 / 7) * (5.0 / 6) / (5.0 / 7 + 5.0 / 6), 1e-12);
  EXPECT_DOUBLE_EQ(m.per_class[1].precision, 3.0 / 4);
  EXPECT_DOUBLE_EQ(m.per_class[1].recall, 0.5);
  EXPECT_DOUBLE_EQ(m.per_class[2].precision, 0.0);
  EXPECT_DOUBLE_EQ(m.per_class[2].f1, 0.0);
  EXPECT_EQ(m.per_class[2].support, 0);
  EXPECT_NEAR(m.macro_f1, (m.per_class[0].f1 + 0.6 + 0.0) / 3, 1e-12);

  const auto j = m.to_json();
  EXPECT_EQ(j.at("n"), 12);
  EXPECT_DOUBLE_EQ(j.at("per_class").at("b").at("recall"), 0.5);
  EXPECT_EQ(j.at("confusion")[1][0], 2);
  const auto text = m.to_text();
  EXPECT_NE(text.find("accuracy 66.67%"), std::string::npos) << text;
}

TEST(ClassWeights, SqrtAndInverseFavourRareClassesWithMeanOne) {
  const std::vector<int64_t> counts = {100, 25, 400};
  const auto none = class_weights(counts, ClassWeights::kNone);
  EXPECT_TRUE(torch::allclose(none, torch::ones({3})));
  const auto sq = class_weights(counts, ClassWeights::kSqrt);
  EXPECT_NEAR(sq.mean().item<float>(), 1.0f, 1e-6);
  EXPECT_NEAR(sq[1].item<float>() / sq[0].item<float>(), 2.0f, 1e-5);  // √(100/25)
  const auto inv = class_weights(counts, ClassWeights::kInverse);
  EXPECT_NEAR(inv[1].item<float>() / inv[2].item<float>(), 16.0f, 1e-4);
}

}  // namespace emomusic::train
