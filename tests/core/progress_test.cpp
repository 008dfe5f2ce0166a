#include "emomusic/core/progress.hpp"

#include <gtest/gtest.h>

namespace emomusic {

TEST(Progress, FormatsDurations) {
  EXPECT_EQ(format_duration(0), "00:00");
  EXPECT_EQ(format_duration(62), "01:02");
  EXPECT_EQ(format_duration(3723), "1:02:03");
  EXPECT_EQ(format_duration(-1), "--:--");
}

TEST(Progress, PlainLinesModeEndsWithASummaryLine) {
  testing::internal::CaptureStderr();
  {
    Progress p("epoch 1", 100, "img", Progress::Style::kLines);
    p.advance(40);
    p.advance(60, "loss 0.5");
    EXPECT_EQ(p.done(), 100);
    p.finish();
  }
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("epoch 1"), std::string::npos) << err;
  EXPECT_NE(err.find("100/100"), std::string::npos) << err;
  EXPECT_NE(err.find("img/s"), std::string::npos) << err;
  EXPECT_NE(err.find("loss 0.5"), std::string::npos) << err;
  EXPECT_EQ(err.find('\r'), std::string::npos) << "no carriage returns outside a terminal";
}

TEST(Progress, BarModeRedrawsInPlace) {
  testing::internal::CaptureStderr();
  {
    Progress p("load", 10, "rows", Progress::Style::kBar);
    p.advance(10);
  }
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find('\r'), std::string::npos);
  EXPECT_NE(err.find("[############################]"), std::string::npos) << err;
}

TEST(Progress, QuietPrintsNothing) {
  testing::internal::CaptureStderr();
  {
    Progress p("x", 5, "it", Progress::Style::kQuiet);
    p.advance(5);
  }
  EXPECT_TRUE(testing::internal::GetCapturedStderr().empty());
}

}  // namespace emomusic
