// The steps of train_model() one by one (lib/src/train/training_run.hpp), on a small network and
// generated faces; tests/train/train_end_to_end_test.cpp runs them together.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "emomusic/core/cancel.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/nn/model_file.hpp"
#include "emomusic/nn/preprocess.hpp"
#include "synthetic_faces.hpp"
#include "test_support.hpp"
#include "training_run.hpp"

namespace emomusic::train {
namespace {
namespace fs = std::filesystem;

class TrainingSteps : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto all = test::synthetic_faces(dir_.path());
    train_ = all.split("Training");
    val_ = all.split("PublicTest");
    options_.arch.channels = {8, 16};
    options_.arch.hidden = 16;
    options_.arch.dropout = 0;
    options_.batch_size = 16;
    options_.epochs = 5;
    options_.schedule.warmup_epochs = 0;
    options_.augment = false;
    options_.threads = 1;
    options_.show_progress = false;
    options_.out = dir_ / "model.safetensors";
  }

  static EpochRecord epoch_with_accuracy(int epoch, double val_accuracy) {
    EpochRecord r;
    r.epoch = epoch;
    r.val_accuracy = val_accuracy;
    return r;
  }

  // Every file in the run's folder but the data.
  std::vector<std::string> written() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_.path())) {
      const auto name = entry.path().filename().string();
      if (name != "fer.csv") names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  test::TempDir dir_;
  data::FaceDataset train_, val_, no_validation_;
  TrainOptions options_;
};

std::vector<torch::Tensor> weights_of(const nn::EmotionNet& net) {
  std::vector<torch::Tensor> out;
  for (const auto& p : net->parameters()) out.push_back(p.detach().clone());
  return out;
}

bool same_weights(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!torch::equal(a[i], b[i])) return false;
  }
  return true;
}

TEST_F(TrainingSteps, RestoreReturnsTheEpochBestAndWeightsOfTheCheckpoint) {
  TrainingRun first(options_, train_, val_);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : first.net->parameters()) p.add_(0.5);  // unlike any new network's
  }
  first.schedule.end_epoch(0.3);
  LoopState saved;
  saved.result.history = {epoch_with_accuracy(1, 0.3), epoch_with_accuracy(2, 0.25)};
  saved.result.best_epoch = 1;
  saved.result.best_val_accuracy = 0.3;
  saved.epochs_without_improvement = 1;
  write_checkpoint(first, saved);

  options_.resume = true;
  TrainingRun resumed(options_, train_, val_);
  LoopState state;
  EXPECT_EQ(restore(resumed, state), 3);
  EXPECT_EQ(state.result.best_epoch, 1);
  EXPECT_DOUBLE_EQ(state.result.best_val_accuracy, 0.3);
  EXPECT_EQ(state.epochs_without_improvement, 1);
  ASSERT_EQ(state.result.history.size(), 2u);
  EXPECT_DOUBLE_EQ(state.result.history[1].val_accuracy, 0.25);
  EXPECT_FALSE(state.result.stopped_early);
  EXPECT_TRUE(same_weights(weights_of(resumed.net), weights_of(first.net)));
  EXPECT_EQ(resumed.schedule.state(), first.schedule.state());
}

TEST_F(TrainingSteps, RestoreRefusesACheckpointOfOtherData) {
  TrainingRun first(options_, train_, val_);
  LoopState saved;
  saved.result.history = {epoch_with_accuracy(1, 0.3)};
  write_checkpoint(first, saved);
  options_.resume = true;
  TrainingRun resumed(options_, train_, train_);  // another validation set
  LoopState state;
  EXPECT_THROW(restore(resumed, state), UsageError);
}

TEST_F(TrainingSteps, TrainEpochStepsThroughTheDataAndRecordsTheEpoch) {
  TrainingRun run(options_, train_, val_);
  const EpochBatches batches(run);
  EXPECT_EQ(batches.share_size, train_.size());
  EXPECT_EQ(batches.steps_per_epoch, (train_.size() + 15) / 16);
  const auto before = weights_of(run.net);
  const EpochRecord r = train_epoch(run, batches, 2);
  EXPECT_EQ(r.epoch, 2);
  EXPECT_GT(r.train_loss, 0.0);
  EXPECT_TRUE(std::isfinite(r.train_loss));
  EXPECT_GE(r.train_accuracy, 0.0);
  EXPECT_LE(r.train_accuracy, 1.0);
  EXPECT_DOUBLE_EQ(r.lr, run.schedule.at(2 - 1e-9));
  EXPECT_GT(r.images_per_second, 0.0);
  EXPECT_EQ(r.val_accuracy, 0.0) << "validation is a step of its own";
  EXPECT_FALSE(same_weights(weights_of(run.net), before));
  EXPECT_TRUE(written().empty()) << "training steps write nothing";
}

TEST_F(TrainingSteps, TrainEpochStopsWhenCancelledSayingWhatTheCheckpointHolds) {
  options_.cancel = CancelToken();
  options_.cancel.cancel();
  TrainingRun run(options_, train_, val_);
  const EpochBatches batches(run);
  const auto before = weights_of(run.net);
  try {
    train_epoch(run, batches, 3);
    FAIL() << "a cancelled run trained";
  } catch (const InterruptedError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("interrupted in epoch 3"), std::string::npos) << m;
    EXPECT_NE(m.find("holds epoch 2"), std::string::npos) << m;
  }
  EXPECT_TRUE(same_weights(weights_of(run.net), before));
}

TEST_F(TrainingSteps, ValidateMeasuresTheNetworkOnTheValidationSet) {
  TrainingRun run(options_, train_, val_);
  const EpochBatches batches(run);
  train_epoch(run, batches, 1);
  EpochRecord r = epoch_with_accuracy(1, 0);
  validate(run, r);
  // The accuracy of the network's own predictions, in inference mode, as save_best() keeps them.
  run.net->eval();
  torch::NoGradGuard no_grad;
  const auto predicted =
      run.net->forward(nn::normalize_faces(val_.images, run.spec.input)).argmax(1);
  const double expected = predicted.eq(val_.labels).to(torch::kFloat64).mean().item<double>();
  EXPECT_NEAR(r.val_accuracy, expected, 1e-9);
  EXPECT_GT(r.val_loss, 0.0);
  EXPECT_GT(r.val_macro_f1, 0.0);

  TrainingRun without(options_, train_, no_validation_);
  EpochRecord none = epoch_with_accuracy(1, 0);
  validate(without, none);
  EXPECT_EQ(none.val_loss, 0.0);
  EXPECT_EQ(none.val_accuracy, 0.0);
}

TEST_F(TrainingSteps, SaveBestWritesTheModelOnlyWhenTheAccuracyImproves) {
  TrainingRun run(options_, train_, val_);
  LoopState state;
  ASSERT_TRUE(save_best(run, state, epoch_with_accuracy(1, 0.4)));
  EXPECT_EQ(state.result.best_epoch, 1);
  EXPECT_EQ(nn::load_model(options_.out).training.at("best_epoch"), 1);
  // Atomically: the model is in place and no temporary file is left beside it.
  EXPECT_EQ(written(), std::vector<std::string>{"model.safetensors"});
  const std::string first = test::read_file(options_.out);

  {
    torch::NoGradGuard no_grad;
    for (auto& p : run.net->parameters()) p.add_(0.5);
  }
  EXPECT_FALSE(save_best(run, state, epoch_with_accuracy(2, 0.3)));
  EXPECT_FALSE(save_best(run, state, epoch_with_accuracy(3, 0.4))) << "a tie is no improvement";
  EXPECT_EQ(test::read_file(options_.out), first);
  EXPECT_EQ(state.result.best_epoch, 1);
  EXPECT_DOUBLE_EQ(state.result.best_val_accuracy, 0.4);
  EXPECT_EQ(state.epochs_without_improvement, 2);

  ASSERT_TRUE(save_best(run, state, epoch_with_accuracy(4, 0.5)));
  EXPECT_EQ(state.epochs_without_improvement, 0);
  EXPECT_EQ(state.result.best_epoch, 4);
  const auto model = nn::load_model(options_.out);
  EXPECT_EQ(model.training.at("best_epoch"), 4);
  EXPECT_DOUBLE_EQ(model.training.at("val_accuracy").get<double>(), 0.5);
  EXPECT_EQ(written(), std::vector<std::string>{"model.safetensors"});
}

TEST_F(TrainingSteps, SaveBestKeepsEveryEpochWithoutAValidationSet) {
  TrainingRun run(options_, train_, no_validation_);
  LoopState state;
  EXPECT_TRUE(save_best(run, state, epoch_with_accuracy(1, 0)));
  EXPECT_TRUE(save_best(run, state, epoch_with_accuracy(2, 0)));
  EXPECT_EQ(state.result.best_epoch, 2);
  EXPECT_EQ(nn::load_model(options_.out).training.at("best_epoch"), 2);
}

TEST(EarlyStopping, StopsAfterPatienceEpochsWithoutImprovement) {
  LoopState state;
  state.epochs_without_improvement = 2;
  EXPECT_FALSE(should_stop(3, state));
  EXPECT_FALSE(state.result.stopped_early);
  state.epochs_without_improvement = 3;
  EXPECT_TRUE(should_stop(3, state));
  EXPECT_TRUE(state.result.stopped_early);

  LoopState never;
  never.epochs_without_improvement = 1000;
  EXPECT_FALSE(should_stop(0, never)) << "patience 0 turns early stopping off";
  EXPECT_FALSE(never.result.stopped_early);
}

}  // namespace
}  // namespace emomusic::train
