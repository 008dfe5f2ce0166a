#include "emomusic/nn/network.hpp"

#include <gtest/gtest.h>

#include "emomusic/core/error.hpp"

namespace emomusic::nn {

TEST(Network, BaselineMatchesTheSeedsSize) {
  ArchSpec a;
  a.name = "baseline";
  a.dropout = 0.5;
  auto net = make_network(a, 48, 7);
  const auto n = count_parameters(*net);
  // conv 32-64-128-128 + dense 2048→1024→7: 2,345,607 parameters ("~2.3M" in the seeds).
  EXPECT_EQ(n, 2345607);
  net->eval();
  EXPECT_EQ(net->forward(torch::zeros({3, 1, 48, 48})).sizes(), (std::vector<int64_t>{3, 7}));
}

TEST(Network, VggWidthAndDepthAreParameters) {
  ArchSpec narrow;
  narrow.channels = {16, 32};
  narrow.convs_per_stage = 1;
  narrow.hidden = 0;
  ArchSpec wide = narrow;
  wide.channels = {32, 64};
  wide.convs_per_stage = 2;
  auto a = make_network(narrow, 48, 7);
  auto b = make_network(wide, 48, 7);
  EXPECT_LT(count_parameters(*a), count_parameters(*b));
  b->eval();
  EXPECT_EQ(b->forward(torch::rand({2, 1, 48, 48})).sizes(), (std::vector<int64_t>{2, 7}));
}

TEST(Network, FoldingBatchNormKeepsTheOutputs) {
  torch::manual_seed(1);
  ArchSpec a;
  a.channels = {8, 16};
  a.hidden = 16;
  auto net = make_network(a, 48, 7);
  // Give batch norm non-trivial statistics, as training would.
  net->train();
  for (int i = 0; i < 5; ++i) net->forward(torch::randn({16, 1, 48, 48}) * 2 + 0.5);
  net->eval();
  const auto x = torch::randn({4, 1, 48, 48});
  const auto before = net->forward(x).detach().clone();
  net->fold_batchnorm();
  const auto after = net->forward(x);
  EXPECT_TRUE(torch::allclose(before, after, 1e-4, 1e-4))
      << (before - after).abs().max().item<float>();
}

TEST(Network, RejectsUnknownArchitectureAndBadParameters) {
  ArchSpec a;
  a.name = "resnet9000";
  EXPECT_THROW(make_network(a, 48, 7), UsageError);
  ArchSpec deep;
  deep.channels = {8, 8, 8, 8, 8, 8, 8};
  EXPECT_THROW(make_network(deep, 48, 7), UsageError);
  ArchSpec d;
  d.dropout = 1.0;
  EXPECT_THROW(make_network(d, 48, 7), UsageError);
}

}  // namespace emomusic::nn
