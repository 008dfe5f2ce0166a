#include "emomusic/plot/ticks.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "emomusic/core/error.hpp"

namespace emomusic::plot {
namespace {

TEST(Ticks, UnitRangeGetsTenthsOrFifths) {
  const std::vector<double> ticks = nice_ticks(0, 1);
  ASSERT_EQ(ticks.size(), 6u);
  for (std::size_t i = 0; i < ticks.size(); ++i) EXPECT_NEAR(ticks[i], 0.2 * i, 1e-12);
  EXPECT_EQ(tick_labels(ticks),
            (std::vector<std::string>{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}));
}

TEST(Ticks, CoverAnAwkwardRangeWithRoundSteps) {
  const std::vector<double> ticks = nice_ticks(0.37, 2.61);
  EXPECT_LE(ticks.front(), 0.37);
  EXPECT_GE(ticks.back(), 2.61);
  const double step = ticks[1] - ticks[0];
  EXPECT_NEAR(step, 0.5, 1e-12);
  for (double t : ticks) EXPECT_NEAR(std::remainder(t, step), 0.0, 1e-9);
}

TEST(Ticks, EpochAxisUsesIntegers) {
  const std::vector<double> ticks = nice_ticks(1, 30);
  EXPECT_EQ(tick_labels(ticks), (std::vector<std::string>{"0", "5", "10", "15", "20", "25", "30"}));
}

TEST(Ticks, QuarterStepsGetTwoDecimals) {
  EXPECT_EQ(tick_labels({0, 0.25, 0.5}), (std::vector<std::string>{"0.00", "0.25", "0.50"}));
}

TEST(Ticks, LearningRatesUseScientificNotation) {
  EXPECT_EQ(tick_labels({0, 0.0005, 0.001}), (std::vector<std::string>{"0", "5e-4", "1e-3"}));
  EXPECT_EQ(tick_labels({0, 2.5e-5, 5e-5}), (std::vector<std::string>{"0", "2.5e-5", "5e-5"}));
}

TEST(Ticks, ConstantValueStillGetsARange) {
  const std::vector<double> ticks = nice_ticks(3, 3);
  ASSERT_GE(ticks.size(), 2u);
  EXPECT_LT(ticks.front(), 3);
  EXPECT_GT(ticks.back(), 3);
}

TEST(Ticks, RejectsBadRanges) {
  EXPECT_THROW(nice_ticks(2, 1), UsageError);
  EXPECT_THROW(nice_ticks(0, std::numeric_limits<double>::infinity()), UsageError);
}

}  // namespace
}  // namespace emomusic::plot
