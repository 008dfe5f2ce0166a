// The launch contract (torchrun's and Slurm's environment) and the DistributedSampler rule; no
// network.
#include <gtest/gtest.h>

#include <map>

#include "emomusic/core/error.hpp"
#include "emomusic/train/distributed.hpp"

namespace emomusic::train {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// The message of the UsageError that launch_env() throws for `vars`.
std::string refusal(std::map<std::string, std::string> vars) {
  try {
    launch_env(env_of(std::move(vars)));
  } catch (const UsageError& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted";
  return {};
}

}  // namespace

TEST(LaunchEnv, NothingSetIsOneProcessThatConnectsNowhere) {
  const auto e = launch_env(env_of({{"HOME", "/root"}}));
  EXPECT_FALSE(e.distributed());
  EXPECT_EQ(e.world_size, 1);
  EXPECT_EQ(e.rank, 0);
  EXPECT_EQ(e.source, "");
}

TEST(LaunchEnv, ReadsTorchrunsContract) {
  const auto e = launch_env(env_of({{"RANK", "3"},
                                    {"WORLD_SIZE", "8"},
                                    {"LOCAL_RANK", "1"},
                                    {"MASTER_ADDR", "node-0"},
                                    {"MASTER_PORT", "29500"}}));
  EXPECT_TRUE(e.distributed());
  EXPECT_EQ(e.rank, 3);
  EXPECT_EQ(e.world_size, 8);
  EXPECT_EQ(e.local_rank, 1);
  EXPECT_EQ(e.address(), "node-0:29500");
  EXPECT_EQ(e.source, "torchrun");
}

TEST(LaunchEnv, FallsBackToSlurmWhenTorchrunsVariablesAreAbsent) {
  const auto e = launch_env(env_of({{"SLURM_PROCID", "1"},
                                    {"SLURM_NTASKS", "2"},
                                    {"SLURM_LOCALID", "0"},
                                    {"MASTER_ADDR", "10.0.0.1"},
                                    {"MASTER_PORT", "29500"}}));
  EXPECT_EQ(e.source, "slurm");
  EXPECT_EQ(e.rank, 1);
  EXPECT_EQ(e.world_size, 2);
  // torchrun's variables win where both are set (torchrun inside an srun allocation).
  const auto both = launch_env(env_of({{"RANK", "0"},
                                       {"WORLD_SIZE", "1"},
                                       {"SLURM_PROCID", "5"},
                                       {"SLURM_NTASKS", "8"}}));
  EXPECT_EQ(both.source, "torchrun");
  EXPECT_FALSE(both.distributed());
}

TEST(LaunchEnv, AWorldOfOneNeedsNoAddress) {
  const auto e = launch_env(env_of({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "1"}}));
  EXPECT_FALSE(e.distributed());
}

TEST(LaunchEnv, ARendezvousFileReplacesTheAddress) {
  const auto e = launch_env(env_of({{"RANK", "1"}, {"WORLD_SIZE", "2"}}), false);
  EXPECT_TRUE(e.distributed());
  EXPECT_EQ(e.master_addr, "");
}

TEST(LaunchEnv, ErrorsNameTheVariable) {
  EXPECT_NE(refusal({{"RANK", "0"}}).find("WORLD_SIZE is not set"), std::string::npos);
  EXPECT_NE(refusal({{"WORLD_SIZE", "2"}}).find("RANK is not set"), std::string::npos);
  EXPECT_NE(refusal({{"RANK", "x1"}, {"WORLD_SIZE", "2"}}).find("RANK is 'x1'"),
            std::string::npos);
  EXPECT_NE(refusal({{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"},
                     {"MASTER_PORT", "1"}})
                .find("RANK is 2, but ranks run from 0 to 1"),
            std::string::npos);
  EXPECT_NE(refusal({{"RANK", "0"}, {"WORLD_SIZE", "0"}}).find("WORLD_SIZE is 0"),
            std::string::npos);
  EXPECT_NE(refusal({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "29500"}})
                .find("MASTER_ADDR is not set"),
            std::string::npos);
  EXPECT_NE(refusal({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}})
                .find("MASTER_PORT is not set"),
            std::string::npos);
  EXPECT_NE(refusal({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"},
                     {"MASTER_PORT", "70000"}})
                .find("MASTER_PORT is 70000, outside 1..65535"),
            std::string::npos);
  EXPECT_NE(refusal({{"SLURM_PROCID", "0"}}).find("SLURM_NTASKS is not set"), std::string::npos);
  EXPECT_NE(refusal({{"RANK", "0"}, {"WORLD_SIZE", "1"}, {"LOCAL_RANK", "-1"}})
                .find("LOCAL_RANK is '-1'"),
            std::string::npos);
}

TEST(RankShare, EveryRankTakesEveryWorldthItemOfThePaddedOrder) {
  const auto order = torch::tensor({7, 3, 9, 1, 4}, torch::kInt64);
  // Padded to 6 with the order's first item: 7 3 9 1 4 7.
  const auto r0 = rank_share(order, 0, 2), r1 = rank_share(order, 1, 2);
  EXPECT_TRUE(torch::equal(r0, torch::tensor({7, 9, 4}, torch::kInt64))) << r0;
  EXPECT_TRUE(torch::equal(r1, torch::tensor({3, 1, 7}, torch::kInt64))) << r1;
  // Three ranks of two items: 7 3 9 1 4 7 again, every third.
  EXPECT_TRUE(torch::equal(rank_share(order, 2, 3), torch::tensor({9, 7}, torch::kInt64)));
  EXPECT_TRUE(torch::equal(rank_share(order, 0, 1), order));
}

TEST(RankShare, RanksCoverTheOrderWithEqualShares) {
  for (int world : {1, 2, 3, 4, 7}) {
    for (int n : {1, 2, 5, 12, 13}) {
      const auto order = torch::randperm(n, torch::kInt64);
      std::vector<int> seen(static_cast<std::size_t>(n), 0);
      for (int r = 0; r < world; ++r) {
        const auto share = rank_share(order, r, world);
        EXPECT_EQ(share.size(0), (n + world - 1) / world);
        for (int64_t i = 0; i < share.size(0); ++i) ++seen[share[i].item<int64_t>()];
      }
      // Each item at least once; only the padding (fewer than `world` items) twice or more.
      int extra = 0;
      for (int s : seen) {
        EXPECT_GE(s, 1);
        extra += s - 1;
      }
      EXPECT_EQ(extra, (n + world - 1) / world * world - n) << n << " items, " << world;
    }
  }
}

}  // namespace emomusic::train
