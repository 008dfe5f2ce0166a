#include "emomusic/nn/model_file.hpp"

#include <gtest/gtest.h>

#include "emomusic/core/error.hpp"
#include "emomusic/tensor/raw_tensor.hpp"
#include "test_support.hpp"

namespace emomusic::nn {
namespace {

ModelSpec small_spec() {
  ModelSpec s;
  s.arch.channels = {8, 16};
  s.arch.hidden = 32;
  s.input.mean = 0.51;
  s.input.std = 0.26;
  s.classes = {"angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"};
  return s;
}

}  // namespace

TEST(ModelFile, RoundTripsWeightsBuffersAndMetadataExactly) {
  test::TempDir dir;
  torch::manual_seed(3);
  const auto spec = small_spec();
  auto net = make_network(spec.arch, spec.input.size, 7);
  net->train();
  net->forward(torch::randn({8, 1, 48, 48}));  // moves batch-norm statistics off their defaults
  save_model(dir / "m.safetensors", net, spec, {{"epochs", 3}, {"best_val_accuracy", 0.5}});

  const auto loaded = load_model(dir / "m.safetensors");
  EXPECT_EQ(loaded.spec.arch.channels, spec.arch.channels);
  EXPECT_EQ(loaded.spec.classes, spec.classes);
  EXPECT_DOUBLE_EQ(loaded.spec.input.mean, 0.51);
  EXPECT_EQ(loaded.training.at("epochs"), 3);
  const auto a = net->named_parameters();
  const auto b = loaded.net->named_parameters();
  for (const auto& p : a) EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();
  const auto ab = net->named_buffers();
  const auto bb = loaded.net->named_buffers();
  for (const auto& p : ab) EXPECT_TRUE(torch::equal(p.value(), bb[p.key()])) << p.key();

  net->eval();
  const auto x = torch::randn({2, 1, 48, 48});
  EXPECT_TRUE(torch::equal(net->forward(x), loaded.net->forward(x)));
}

TEST(ModelFile, TruncatedFileIsAModelErrorNamingIt) {
  test::TempDir dir;
  const auto spec = small_spec();
  auto net = make_network(spec.arch, 48, 7);
  save_model(dir / "m.safetensors", net, spec, {});
  const std::string bytes = test::read_file(dir / "m.safetensors");
  test::write_file(dir / "cut.safetensors", bytes.substr(0, bytes.size() / 2));
  try {
    load_model(dir / "cut.safetensors");
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("cut.safetensors"), std::string::npos) << e.what();
  }
}

TEST(ModelFile, WrongArchitectureOrForeignFileIsRejected) {
  test::TempDir dir;
  auto spec = small_spec();
  auto net = make_network(spec.arch, 48, 7);
  SafetensorsFile file = network_tensors(net);
  spec.arch.channels = {8, 32};  // metadata no longer matches the tensors
  file.metadata = model_metadata(spec, {});
  save_safetensors(dir / "mismatch.safetensors", file);
  EXPECT_THROW(load_model(dir / "mismatch.safetensors"), ModelError);

  SafetensorsFile foreign;
  foreign.tensors["w"] = RawTensor{"F32", {1}, std::string(4, '\0')};
  save_safetensors(dir / "foreign.safetensors", foreign);
  try {
    load_model(dir / "foreign.safetensors");
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("not an emomusic model"), std::string::npos) << e.what();
  }
}

TEST(ModelFile, RawTensorConversionKeepsDtypeShapeAndValues) {
  const auto t = torch::arange(12, torch::kInt64).view({3, 4});
  const auto raw = to_raw(t);
  EXPECT_EQ(raw.dtype, "I64");
  EXPECT_EQ(raw.shape, (std::vector<int64_t>{3, 4}));
  EXPECT_TRUE(torch::equal(from_raw(raw, "t"), t));
  const auto u = torch::tensor({0, 255, 7}, torch::kUInt8);
  EXPECT_TRUE(torch::equal(from_raw(to_raw(u), "u"), u));
}

}  // namespace emomusic::nn
