#include "emomusic/train/schedule.hpp"

#include <gtest/gtest.h>

#include "emomusic/core/error.hpp"
#include "emomusic/core/named_values.hpp"

namespace emomusic::train {

TEST(Schedule, CosineWarmsUpThenDecaysToTheFloor) {
  ScheduleOptions o;
  o.base_lr = 1.0;
  o.warmup_epochs = 2;
  o.min_lr_ratio = 0.01;
  LearningRate lr(o, 12);
  EXPECT_NEAR(lr.at(0), 0.1, 1e-12);
  EXPECT_NEAR(lr.at(1), 0.55, 1e-12);
  EXPECT_NEAR(lr.at(2), 1.0, 1e-12);
  EXPECT_NEAR(lr.at(7), 0.01 + 0.99 * 0.5, 1e-12);  // half-way through the decay
  EXPECT_NEAR(lr.at(12), 0.01, 1e-12);
  EXPECT_GT(lr.at(5), lr.at(6));
}

TEST(Schedule, PlateauHalvesAfterPatienceEpochsWithoutImprovement) {
  ScheduleOptions o;
  o.kind = ScheduleKind::kPlateau;
  o.base_lr = 0.1;
  o.warmup_epochs = 0;
  o.plateau_patience = 2;
  LearningRate lr(o, 10);
  lr.end_epoch(0.5);
  lr.end_epoch(0.6);
  EXPECT_NEAR(lr.at(2), 0.1, 1e-12);
  lr.end_epoch(0.6);
  lr.end_epoch(0.55);
  EXPECT_NEAR(lr.at(4), 0.05, 1e-12);
  LearningRate restored(o, 10);
  restored.restore(lr.state());
  EXPECT_NEAR(restored.at(4), 0.05, 1e-12);
}

TEST(Schedule, NamesParseToTheirKindsInTheEnumsOrder) {
  EXPECT_EQ(schedule_names(), (std::vector<std::string>{"cosine", "plateau"}));
  EXPECT_EQ(parse_named<ScheduleKind>(schedule_names(), "plateau", "schedule"),
            ScheduleKind::kPlateau);
  EXPECT_THROW(parse_named<ScheduleKind>(schedule_names(), "step", "schedule"), UsageError);
}

TEST(Schedule, RejectsANonPositiveRate) {
  ScheduleOptions o;
  o.base_lr = 0;
  EXPECT_THROW(LearningRate(o, 10), UsageError);
}

}  // namespace emomusic::train
