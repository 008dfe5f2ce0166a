#include "emomusic/nn/network.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

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

namespace {

ArchSpec small_resnet() {
  ArchSpec a;
  a.name = "resnet";
  a.channels = {8, 8, 16};
  a.convs_per_stage = 4;
  a.hidden = 16;
  return a;
}

}  // namespace

TEST(Network, FoldingBatchNormKeepsTheOutputs) {
  ArchSpec vgg;
  vgg.channels = {8, 16};
  vgg.hidden = 16;
  for (const auto& a : {vgg, small_resnet()}) {
    torch::manual_seed(1);
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
        << a.name << " " << (before - after).abs().max().item<float>();
  }
}

TEST(Network, ResnetIsResidualAndPoolsAnyFaceSize) {
  const auto a = small_resnet();
  auto net = make_network(a, 48, 7);
  // Global average pooling: the same weights take a 48- or a 64-pixel face.
  EXPECT_EQ(count_parameters(*net), count_parameters(*make_network(a, 64, 7)));
  net->eval();
  EXPECT_EQ(net->forward(torch::rand({2, 1, 64, 64})).sizes(), (std::vector<int64_t>{2, 7}));
  // Two blocks a stage. The first block of each stage halves the side and so projects its input
  // (48 → 24 → 12 → 6 here); the second adds its input unchanged.
  const auto params = net->named_parameters();
  EXPECT_TRUE(params.contains("block5.conv2.weight"));
  EXPECT_FALSE(params.contains("block6.conv1.weight"));
  for (const char* name : {"block1.proj.weight", "block3.proj.weight", "block5.proj.weight"}) {
    EXPECT_FALSE(params.contains(name)) << name;
  }
  EXPECT_EQ(params["block0.proj.weight"].sizes(), (std::vector<int64_t>{8, 8, 1, 1}));
  EXPECT_EQ(params["block2.proj.weight"].sizes(), (std::vector<int64_t>{8, 8, 1, 1}));
  EXPECT_EQ(params["block4.proj.weight"].sizes(), (std::vector<int64_t>{16, 8, 1, 1}));
  // The shortcut carries the signal: with every block's last norm at zero, each block adds
  // nothing to what its shortcut brings, and the output must still depend on the face.
  {
    torch::NoGradGuard no_grad;
    for (auto& p : net->named_parameters()) {
      if (p.key().find(".bn2.weight") != std::string::npos) p.value().zero_();
    }
  }
  const auto x = torch::rand({2, 1, 48, 48});
  EXPECT_FALSE(torch::allclose(net->forward(x)[0], net->forward(x)[1]));
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
  auto odd = small_resnet();
  odd.convs_per_stage = 3;
  try {
    make_network(odd, 48, 7);
    ADD_FAILURE() << "a residual block holds two convolutions";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("convs_per_stage is 3"), std::string::npos) << e.what();
  }
}

}  // namespace emomusic::nn

namespace emomusic::nn {
namespace {

std::string dtype_of(const torch::Tensor& t) {
  return t.scalar_type() == torch::kInt64     ? "I64"
         : t.scalar_type() == torch::kFloat32 ? "F32"
                                              : "?";
}

}  // namespace

// Model files are checked against network_tensor_specs() before anything is built, so it must
// describe exactly what make_network() builds.
TEST(Network, TensorSpecsAreWhatMakeNetworkBuilds) {
  ArchSpec baseline;
  baseline.name = "baseline";
  ArchSpec no_hidden;
  no_hidden.channels = {4, 8, 8};
  no_hidden.convs_per_stage = 3;
  no_hidden.hidden = 0;
  ArchSpec resnet;
  resnet.name = "resnet";
  auto resnet_no_hidden = small_resnet();
  resnet_no_hidden.hidden = 0;
  const std::vector<std::pair<ArchSpec, int>> cases = {
      {baseline, 48},  {baseline, 24}, {baseline, 61},       {ArchSpec{}, 48},
      {no_hidden, 20}, {resnet, 48},   {small_resnet(), 61}, {resnet_no_hidden, 17}};
  for (const auto& [arch, size] : cases) {
    auto net = make_network(arch, size, 5);
    std::map<std::string, TensorSpec> built;
    for (const auto& p : net->named_parameters()) {
      built[p.key()] = {dtype_of(p.value()), p.value().sizes().vec()};
    }
    for (const auto& b : net->named_buffers()) {
      built[b.key()] = {dtype_of(b.value()), b.value().sizes().vec()};
    }
    const auto specs = network_tensor_specs(arch, size, 5);
    EXPECT_EQ(specs.size(), built.size()) << arch.name << " " << size;
    for (const auto& [name, t] : built) {
      ASSERT_TRUE(specs.count(name)) << name;
      EXPECT_EQ(specs.at(name).dtype, t.dtype) << name;
      EXPECT_EQ(specs.at(name).shape, t.shape) << name;
    }
    net->eval();
    EXPECT_EQ(net->forward(torch::zeros({1, 1, size, size})).size(1), 5);
  }
}

// Sizes a hostile model file could ask for: each must be refused at once, without allocating
// (before the fix some built gigabytes, some died in LibTorch with a backtrace).
TEST(Network, RefusesAbsurdSizesWithoutBuildingAnything) {
  const auto vgg = [](std::vector<int> channels, int convs = 2, int hidden = 256) {
    ArchSpec a;
    a.channels = std::move(channels);
    a.convs_per_stage = convs;
    a.hidden = hidden;
    return a;
  };
  ArchSpec baseline;
  baseline.name = "baseline";
  ArchSpec nan_dropout;
  nan_dropout.dropout = std::nan("");
  const std::vector<std::pair<ArchSpec, int>> cases = {
      {vgg({-3, 8}), 48},
      {vgg({0}), 48},
      {vgg({1000000}), 48},
      {vgg({8}, 100000000), 48},
      {vgg({8}), 100000},
      {vgg({8}, 2, 200000), 48},
      {vgg({8}, 0), 48},
      {vgg({8}, 2, -1), 48},
      {vgg(std::vector<int>(40, 8)), 48},  // also a shift by 40 before the fix
      {vgg({2048, 2048, 2048}, 16), 48},   // each value allowed, the total not
      {baseline, 100000},
      {baseline, 20},
      {nan_dropout, 48},
      {ArchSpec{}, -48}};
  const auto start = std::chrono::steady_clock::now();
  for (const auto& [arch, size] : cases) {
    EXPECT_THROW(network_tensor_specs(arch, size, 7), UsageError) << size;
    EXPECT_THROW(make_network(arch, size, 7), UsageError) << size;
  }
  EXPECT_THROW(make_network(ArchSpec{}, 48, 1000000), UsageError);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 1.0);
}

}  // namespace emomusic::nn
