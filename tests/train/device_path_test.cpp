// What `train --device cuda` relies on, checked on the CPU: the per-epoch loss and accuracy the
// loop sums on the device and reads only now and then, bf16 autocast (through LibTorch's CPU
// autocast) and its scope, channels-last weights, and the learning-rate scaling rule.

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <memory>
#include <sstream>

#include "emomusic/core/emotion.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/named_values.hpp"
#include "emomusic/data/loader.hpp"
#include "emomusic/nn/model_file.hpp"
#include "emomusic/nn/preprocess.hpp"
#include "emomusic/train/cpu_features.hpp"
#include "emomusic/train/option_ranges.hpp"
#include "emomusic/train/trainer.hpp"
#include "fer_fixture.hpp"
#include "test_support.hpp"

namespace emomusic::train {
namespace {

TEST(ScaledLearningRate, IsTheGivenRateWithoutAReferenceBatch) {
  EXPECT_DOUBLE_EQ(scaled_learning_rate(0.01, 0, 256, Optimizer::kSgd), 0.01);
  EXPECT_DOUBLE_EQ(scaled_learning_rate(2e-3, 0, 16, Optimizer::kAdamW), 2e-3);
}

TEST(ScaledLearningRate, IsLinearForSgdAndSquareRootForAdamw) {
  EXPECT_DOUBLE_EQ(scaled_learning_rate(0.01, 64, 256, Optimizer::kSgd), 0.04);
  EXPECT_DOUBLE_EQ(scaled_learning_rate(0.01, 64, 16, Optimizer::kSgd), 0.0025);
  EXPECT_DOUBLE_EQ(scaled_learning_rate(2e-3, 64, 256, Optimizer::kAdamW), 4e-3);
  EXPECT_DOUBLE_EQ(scaled_learning_rate(2e-3, 64, 64, Optimizer::kAdamW), 2e-3);
}

TEST(ScaledLearningRate, RefusesANegativeReference) {
  EXPECT_THROW(scaled_learning_rate(0.01, -64, 256, Optimizer::kSgd), UsageError);
}

// The names the CLI offers become the values they name, and others are refused by name: the
// lists must stay in their enums' order.
TEST(TrainChoices, NamesParseToTheirValuesInTheEnumsOrder) {
  EXPECT_EQ(optimizer_names(), (std::vector<std::string>{"adamw", "sgd"}));
  EXPECT_EQ(parse_named<Optimizer>(optimizer_names(), "sgd", "optimizer"), Optimizer::kSgd);
  EXPECT_EQ(class_weight_names(), (std::vector<std::string>{"none", "sqrt", "inverse"}));
  EXPECT_EQ(parse_named<ClassWeights>(class_weight_names(), "inverse", "class weighting"),
            ClassWeights::kInverse);
  try {
    parse_named<Optimizer>(optimizer_names(), "lamb", "optimizer");
    FAIL() << "an unknown optimizer was accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("'lamb'"), std::string::npos) << e.what();
  }
}

TEST(Precision, NamesParseToTheirValuesAndOthersAreRefusedByName) {
  EXPECT_EQ(precision_names(), (std::vector<std::string>{"fp32", "bf16"}));
  EXPECT_EQ(parse_precision("fp32"), Precision::kFp32);
  EXPECT_EQ(parse_precision("bf16"), Precision::kBf16);
  try {
    parse_precision("fp16");
    FAIL() << "fp16 was accepted";
  } catch (const UsageError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("'fp16'"), std::string::npos) << m;
    EXPECT_NE(m.find("fp32 or bf16"), std::string::npos) << m;
  }
}

// A VGG in eval mode, so that its outputs are a function of the weights alone.
nn::EmotionNet small_vgg() {
  nn::ArchSpec arch;
  arch.channels = {8, 16};
  arch.hidden = 16;
  arch.dropout = 0;
  auto net = nn::make_network(arch, 48, 7);
  net->eval();
  return net;
}

TEST(ChannelsLast, KeepsTheNumbersTheGradientStepsAndTheSavedFile) {
  torch::manual_seed(3);
  auto standard = small_vgg();
  torch::manual_seed(3);
  auto nhwc = small_vgg();
  use_channels_last(nhwc);
  int converted = 0;
  for (const auto& p : nhwc->parameters()) {
    if (p.dim() != 4) continue;
    EXPECT_TRUE(p.is_contiguous(torch::MemoryFormat::ChannelsLast));
    // With one input channel (the first convolution) the two layouts are the same.
    if (p.size(1) > 1) {
      EXPECT_FALSE(p.is_contiguous());
    }
    ++converted;
  }
  EXPECT_EQ(converted, 4);

  const auto x = torch::randn({5, 1, 48, 48});
  EXPECT_TRUE(torch::allclose(standard->forward(x), nhwc->forward(x), 1e-4, 1e-5));

  // One SGD step on each: the same weights after it, whatever their layout.
  standard->train();
  nhwc->train();
  const auto y = torch::tensor({0, 1, 2, 3, 4}, torch::kInt64);
  for (auto* net : {&standard, &nhwc}) {
    torch::optim::SGD sgd((*net)->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
    torch::nn::functional::cross_entropy((*net)->forward(x), y).backward();
    sgd.step();
  }
  const auto a = standard->parameters();
  const auto b = nhwc->parameters();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(torch::allclose(a[i], b[i], 1e-4, 1e-6)) << "parameter " << i;
  }

  // The file holds the standard layout: a network loaded from it computes the same outputs.
  test::TempDir dir;
  nn::ModelSpec spec;
  spec.arch.channels = {8, 16};
  spec.arch.hidden = 16;
  spec.arch.dropout = 0;
  for (const auto name : emotion_names()) spec.classes.emplace_back(name);
  nhwc->eval();
  nn::save_model(dir / "nhwc.safetensors", nhwc, spec, nlohmann::json::object());
  auto loaded = nn::load_model(dir / "nhwc.safetensors");
  EXPECT_TRUE(torch::allclose(nhwc->forward(x), loaded.net->forward(x), 1e-4, 1e-5));
}

class DevicePath : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_file(dir_ / "fer.csv", test::fer_csv(test::synthetic_rows(12, {"Training"})));
    data::LoadOptions lo;
    lo.use_cache = false;
    lo.show_progress = false;
    train_ = data::load_dataset(dir_ / "fer.csv", lo).split("Training");
    options_.arch.channels = {8, 16};
    options_.arch.hidden = 32;
    options_.arch.dropout = 0;
    options_.augment = false;
    options_.class_weights = ClassWeights::kNone;
    options_.schedule.warmup_epochs = 0;
    options_.threads = 1;
    options_.show_progress = false;
    options_.epochs = 1;
    options_.out = dir_ / "model.safetensors";
  }

  // Loss and accuracy of the saved model on the whole training set in one batch, in training
  // mode (batch statistics), as the training step computes them.
  std::pair<double, double> reevaluate() const {
    auto model = nn::load_model(options_.out);
    model.net->train();
    torch::NoGradGuard no_grad;
    const auto logits =
        model.net->forward(nn::normalize_faces(train_.images, model.spec.input, torch::kCPU));
    const double loss = torch::nn::functional::cross_entropy(
                            logits, train_.labels,
                            torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(
                                options_.label_smoothing))
                            .item<double>();
    const double accuracy =
        (logits.argmax(1) == train_.labels).to(torch::kFloat64).mean().item<double>();
    return {loss, accuracy};
  }

  test::TempDir dir_;
  data::FaceDataset train_;
  TrainOptions options_;
};

// With a rate too small to move the weights, the epoch's one step sees the weights the saved model
// has: the recorded loss and accuracy are those of a re-evaluation.
TEST_F(DevicePath, OneStepEpochRecordsWhatTheSavedModelScores) {
  options_.batch_size = static_cast<int>(train_.size());
  options_.schedule.base_lr = 1e-10;
  const auto result = train_model(options_, train_, {});
  ASSERT_EQ(result.history.size(), 1u);
  const auto& r = result.history[0];
  const auto [loss, accuracy] = reevaluate();
  EXPECT_NEAR(r.train_loss, loss, 1e-4 * loss);
  EXPECT_NEAR(r.train_accuracy, accuracy, 1.0 / static_cast<double>(train_.size()) + 1e-12);
}

// Several steps and a short last batch: the sums are weighted per image, not per step. Batch
// statistics differ from batch to batch, so the loss is only near the whole-set value.
TEST_F(DevicePath, SeveralStepsAverageOverImages) {
  options_.batch_size = 20;  // 84 images: 20, 20, 20, 20, 4
  options_.schedule.base_lr = 1e-10;
  const auto r = train_model(options_, train_, {}).history.at(0);
  const auto [loss, accuracy] = reevaluate();
  EXPECT_NEAR(r.train_loss, loss, 0.1 * loss);
  const double correct = r.train_accuracy * static_cast<double>(train_.size());
  EXPECT_NEAR(correct, std::round(correct), 1e-9) << "accuracy is not a count of images";
  EXPECT_NEAR(r.train_accuracy, accuracy, 0.25);
}

TEST_F(DevicePath, Bf16TrainsAndLeavesAutocastAsItWas) {
  options_.precision = Precision::kBf16;
  options_.batch_size = static_cast<int>(train_.size());
  options_.schedule.base_lr = 1e-10;
  const auto first = train_model(options_, train_, {}).history.at(0);
  const auto [loss, accuracy] = reevaluate();
  ASSERT_TRUE(std::isfinite(first.train_loss));
  // bfloat16 keeps 8 bits of mantissa: near the float32 value, not equal to it.
  EXPECT_NEAR(first.train_loss, loss, 0.05 * loss);

  // Nothing after training computes in bfloat16, and the saved model is float32.
  const auto a = torch::randn({4, 4});
  EXPECT_EQ(torch::mm(a, a).scalar_type(), torch::kFloat32);
  EXPECT_EQ(nn::load_model(options_.out).net->parameters().front().scalar_type(), torch::kFloat32);

  // And it learns.
  options_.epochs = 6;
  options_.batch_size = 16;
  options_.schedule.base_lr = 3e-3;
  options_.overwrite = true;
  const auto history = train_model(options_, train_, {}).history;
  ASSERT_EQ(history.size(), 6u);
  EXPECT_LT(history.back().train_loss, 0.8 * history.front().train_loss);
}

// Emulated bf16 trains many times slower than fp32: the run says so where this CPU lacks the
// instructions, and only there, and never for fp32.
TEST_F(DevicePath, Bf16WarnsWhereTheCpuEmulatesIt) {
  std::ostringstream log;
  struct RestoreLogger {
    std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
    ~RestoreLogger() { spdlog::set_default_logger(previous); }
  } restore;
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "bf16-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  const auto warned = [&] {
    return log.str().find("no bfloat16 instructions") != std::string::npos;
  };
  options_.batch_size = static_cast<int>(train_.size());
  train_model(options_, train_, {});
  EXPECT_FALSE(warned()) << log.str();

  options_.precision = Precision::kBf16;
  options_.overwrite = true;
  train_model(options_, train_, {});
  const auto native = cpu_has_native_bf16();
  if (native == false) {
    EXPECT_TRUE(warned()) << log.str();
  } else {
    EXPECT_FALSE(warned()) << log.str();
  }
}

TEST_F(DevicePath, ANonFiniteLossStopsTrainingNamingTheSteps) {
  options_.optimizer = Optimizer::kSgd;
  options_.batch_size = 16;
  // The largest rate allowed, unscaled and from the first step, makes the loss overflow.
  options_.schedule.base_lr = kLearningRateRange.hi;
  options_.schedule.warmup_epochs = 0;
  options_.lr_reference_batch = 0;
  options_.epochs = 2;
  try {
    train_model(options_, train_, {});
    FAIL() << "training went on with a non-finite loss";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_EQ(e.kind(), ErrorKind::kInternal);
    EXPECT_NE(m.find("loss became"), std::string::npos) << m;
    EXPECT_NE(m.find("in epoch 1, steps "), std::string::npos) << m;
    EXPECT_NE(m.find(" of 6"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace emomusic::train
