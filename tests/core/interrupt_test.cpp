#include "emomusic/core/interrupt.hpp"

#include <gtest/gtest.h>

#include <csignal>

#include "emomusic/core/error.hpp"

namespace emomusic {

TEST(Interrupt, FirstSignalIsARequestNotAKill) {
  install_interrupt_handlers();
  clear_interrupt();
  EXPECT_FALSE(interrupt_requested());
  ASSERT_EQ(std::raise(SIGINT), 0);  // with the default action this would end the test binary
  EXPECT_TRUE(interrupt_requested());
  clear_interrupt();
  ASSERT_EQ(std::raise(SIGTERM), 0);
  EXPECT_TRUE(interrupt_requested());
  clear_interrupt();
  EXPECT_FALSE(interrupt_requested());
}

TEST(Interrupt, TheInterruptTokenFollowsTheSignalAndItsOwnCancel) {
  install_interrupt_handlers();
  clear_interrupt();
  const CancelToken token = interrupt_token();
  CancelToken other = interrupt_token();
  const CancelToken plain;
  other.cancel();  // its own flag: neither the signal's nor the first token's
  EXPECT_FALSE(token.cancelled());
  EXPECT_TRUE(other.cancelled());
  EXPECT_FALSE(interrupt_requested());
  ASSERT_EQ(std::raise(SIGINT), 0);
  EXPECT_TRUE(token.cancelled());
  EXPECT_FALSE(plain.cancelled()) << "a token of its own does not hear signals";
  clear_interrupt();
  EXPECT_FALSE(token.cancelled());
}

TEST(Interrupt, SecondSignalEndsTheProcessTheDefaultWay) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        install_interrupt_handlers();
        clear_interrupt();
        std::raise(SIGINT);
        std::raise(SIGINT);
        std::exit(0);  // not reached when the second signal kills
      },
      ::testing::KilledBySignal(SIGINT), "");
}

TEST(Interrupt, InterruptedErrorIsOfItsOwnKind) {
  EXPECT_EQ(InterruptedError("stopped").kind(), ErrorKind::kInterrupted);
}

}  // namespace emomusic
