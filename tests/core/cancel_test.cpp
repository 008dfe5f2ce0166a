#include "emomusic/core/cancel.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <utility>
#include <vector>

namespace emomusic {

TEST(CancelToken, StartsUncancelledAndStaysCancelled) {
  CancelToken token;
  EXPECT_FALSE(token.cancelled());
  token.cancel();
  EXPECT_TRUE(token.cancelled());
  token.cancel();
  EXPECT_TRUE(token.cancelled());
}

TEST(CancelToken, CopiesShareTheFlag) {
  CancelToken token;
  const CancelToken copy = token;
  CancelToken assigned;
  assigned = copy;
  assigned.cancel();
  EXPECT_TRUE(token.cancelled());
  EXPECT_TRUE(copy.cancelled());
  // A token moved from still works: moving copies, so nothing is left without a flag.
  CancelToken moved = std::move(token);
  EXPECT_TRUE(moved.cancelled());
  EXPECT_TRUE(token.cancelled());
}

TEST(CancelToken, SeparateTokensAreIndependent) {
  CancelToken a;
  CancelToken b;
  a.cancel();
  EXPECT_TRUE(a.cancelled());
  EXPECT_FALSE(b.cancelled());
  EXPECT_FALSE(CancelToken().cancelled());
}

TEST(CancelToken, ACancelInOneThreadStopsTheLoopsThatHoldACopy) {
  CancelToken token;
  std::vector<std::thread> workers;
  for (int i = 0; i < 4; ++i) {
    workers.emplace_back([copy = token] {
      while (!copy.cancelled()) std::this_thread::yield();
    });
  }
  token.cancel();
  for (auto& w : workers) w.join();  // hangs (and the test times out) if a copy missed it
}

}  // namespace emomusic
