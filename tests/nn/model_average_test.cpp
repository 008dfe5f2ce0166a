#include "emomusic/nn/model_average.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "emomusic/core/error.hpp"
#include "emomusic/nn/class_prior.hpp"
#include "test_support.hpp"

namespace emomusic::nn {
namespace {

using nlohmann::json;

class ModelAverageTest : public ::testing::Test {
 protected:
  // A small vgg whose weights and batch-norm statistics depend on `seed`, saved as `name`.
  std::filesystem::path save(const std::string& name, std::uint64_t seed, ModelSpec spec,
                             const json& training = {{kClassCountsKey, {{"happy", 3}}}}) {
    torch::manual_seed(seed);
    auto net = make_network(spec.arch, spec.input.size, static_cast<int>(spec.classes.size()));
    net->train();
    net->forward(torch::randn({8, 1, spec.input.size, spec.input.size}));  // moves BN statistics
    const auto path = dir_ / name;
    save_model(path, net, spec, training);
    return path;
  }
  static ModelSpec small_spec() {
    ModelSpec s;
    s.arch.channels = {4, 8};
    s.arch.hidden = 8;
    s.input.size = 16;
    s.input.mean = 0.5;
    s.input.std = 0.25;
    s.classes = {"angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"};
    return s;
  }
  test::TempDir dir_;
};

TEST_F(ModelAverageTest, EveryWeightAndStatisticIsTheWeightedMean) {
  auto spec_b = small_spec();
  spec_b.input.mean = 0.5002;  // a fine-tune measures its data's mean anew
  const auto a = save("a.safetensors", 1, small_spec());
  const auto b = save("b.safetensors", 2, spec_b);
  const auto la = load_model(a);
  const auto lb = load_model(b);

  const auto mean = average_models({a, b}, {1, 3});
  auto pa = la.net->named_parameters();
  auto pb = lb.net->named_parameters();
  int compared = 0, differing = 0;
  for (const auto& p : mean.net->named_parameters()) {
    EXPECT_TRUE(torch::allclose(p.value(), 0.25 * pa[p.key()] + 0.75 * pb[p.key()], 1e-5, 1e-6))
        << p.key();
    ++compared;
    differing += torch::allclose(pa[p.key()], pb[p.key()]) ? 0 : 1;  // BN starts at 1 and 0
  }
  EXPECT_EQ(compared, static_cast<int>(la.net->named_parameters().size()));
  EXPECT_GT(differing, compared / 2);
  auto ba = la.net->named_buffers();
  auto bb = lb.net->named_buffers();
  bool saw_running_var = false;
  for (const auto& buffer : mean.net->named_buffers()) {
    const auto& name = buffer.key();
    if (!buffer.value().is_floating_point()) {
      EXPECT_TRUE(torch::equal(buffer.value(), ba[name])) << name;
      continue;
    }
    saw_running_var = saw_running_var || name.find("running_var") != std::string::npos;
    EXPECT_TRUE(torch::allclose(buffer.value(), 0.25 * ba[name] + 0.75 * bb[name], 1e-5, 1e-6))
        << name;
  }
  EXPECT_TRUE(saw_running_var);
  EXPECT_NEAR(mean.spec.input.mean, 0.25 * 0.5 + 0.75 * 0.5002, 1e-12);

  const auto& from = mean.training.at(kAveragedFromKey);
  ASSERT_EQ(from.size(), 2u);
  EXPECT_EQ(from[0].at("file"), "a.safetensors");
  EXPECT_DOUBLE_EQ(from[0].at("weight").get<double>(), 0.25);
  EXPECT_EQ(from[1].at("file"), "b.safetensors");
  EXPECT_DOUBLE_EQ(from[1].at("weight").get<double>(), 0.75);
  EXPECT_EQ(from[1].at("training").at(kClassCountsKey), json({{"happy", 3}}));
  EXPECT_EQ(mean.training.at(kClassCountsKey), json({{"happy", 3}}));
}

TEST_F(ModelAverageTest, EqualWeightsByDefaultAndTheResultPredictsAsItsWeightsSay) {
  const auto a = save("a.safetensors", 1, small_spec());
  const auto b = save("b.safetensors", 2, small_spec());
  const auto c = save("c.safetensors", 3, small_spec());
  auto mean = average_models({a, b, c});
  for (const auto& m : mean.training.at(kAveragedFromKey)) {
    EXPECT_NEAR(m.at("weight").get<double>(), 1.0 / 3, 1e-12);
  }
  // Saved and read back, the averaged model predicts like a network holding the mean weights.
  save_model(dir_ / "mean.safetensors", mean.net, mean.spec, mean.training);
  const auto back = load_model(dir_ / "mean.safetensors");
  torch::NoGradGuard no_grad;
  const auto x = torch::randn({4, 1, 16, 16});
  EXPECT_TRUE(torch::allclose(back.net->forward(x), mean.net->forward(x), 1e-5, 1e-6));
  EXPECT_FALSE(torch::allclose(back.net->forward(x), load_model(a).net->forward(x), 1e-3, 1e-4));
}

TEST_F(ModelAverageTest, ClassCountsAreKeptOnlyWhenAllAgree) {
  const auto a = save("a.safetensors", 1, small_spec());
  const auto b = save("b.safetensors", 2, small_spec(), {{kClassCountsKey, {{"happy", 4}}}});
  EXPECT_FALSE(average_models({a, b}).training.contains(kClassCountsKey));
}

TEST_F(ModelAverageTest, RefusesWhatCannotBeAveragedNamingTheFile) {
  const auto a = save("a.safetensors", 1, small_spec());
  const auto b = save("b.safetensors", 2, small_spec());
  const auto expect_error = [&](auto&& call, const std::string& needle, bool model_error) {
    try {
      call();
      ADD_FAILURE() << "no error; expected one naming '" << needle << "'";
    } catch (const ModelError& e) {
      EXPECT_TRUE(model_error) << e.what();
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    } catch (const UsageError& e) {
      EXPECT_FALSE(model_error) << e.what();
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error([&] { average_models({a}); }, "at least two models", false);
  expect_error([&] { average_models({a, b}, {1}); }, "1 weights for 2 models", false);
  expect_error([&] { average_models({a, b}, {1, 0}); }, "weight 0", false);
  expect_error([&] { average_models({a, b}, {1, std::nan("")}); }, "weight nan", false);
  const double huge = std::numeric_limits<double>::max();
  expect_error([&] { average_models({a, b}, {huge, huge}); }, "add up to more", false);

  auto wider = small_spec();
  wider.arch.channels = {4, 12};
  const auto w = save("wider.safetensors", 3, wider);
  expect_error([&] { average_models({a, w}); }, "wider.safetensors: its architecture", true);
  auto reordered = small_spec();
  std::swap(reordered.classes[0], reordered.classes[1]);
  const auto r = save("reordered.safetensors", 4, reordered);
  expect_error([&] { average_models({a, r}); }, "reordered.safetensors: its classes", true);
  auto other_data = small_spec();
  other_data.input.mean = 0.52;  // 4% away: other data, not a re-measurement of the same
  const auto o = save("other.safetensors", 5, other_data);
  expect_error([&] { average_models({a, o}); }, "other.safetensors: its input", true);
  auto equalized = small_spec();
  equalized.input.equalize = Equalize::kHistogram;
  const auto e = save("equalized.safetensors", 6, equalized);
  expect_error([&] { average_models({a, e}); }, "equalized.safetensors: its input", true);
  expect_error([&] { average_models({a, dir_ / "none.safetensors"}); }, "none.safetensors", true);
}

}  // namespace
}  // namespace emomusic::nn
