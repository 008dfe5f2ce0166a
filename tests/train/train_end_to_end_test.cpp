// A small but real training run on generated faces: the loss falls, the saved model classifies
// better than chance, a resumed run continues the history, and the artefacts are written.

#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <thread>

#include "emomusic/core/error.hpp"
#include "emomusic/data/loader.hpp"
#include "emomusic/nn/classifier.hpp"
#include "emomusic/nn/model_file.hpp"
#include "emomusic/nn/network.hpp"
#include "emomusic/train/evaluate.hpp"
#include "emomusic/train/trainer.hpp"
#include "synthetic_faces.hpp"
#include "test_support.hpp"

namespace emomusic::train {
namespace fs = std::filesystem;

class TrainEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    all_ = test::synthetic_faces(dir_.path());
    options_.arch.channels = {8, 16};
    options_.arch.hidden = 32;
    options_.arch.dropout = 0.1;
    options_.batch_size = 16;
    options_.schedule.base_lr = 3e-3;
    options_.schedule.warmup_epochs = 0;
    options_.augmentation.max_rotation_deg = 3;
    options_.augmentation.max_shift = 0.02;
    options_.threads = 1;
    options_.show_progress = false;
    options_.out = dir_ / "model.safetensors";
  }
  test::TempDir dir_;
  data::FaceDataset all_;
  TrainOptions options_;
};

TEST_F(TrainEndToEnd, LossFallsAndTheSavedModelBeatsChance) {
  options_.epochs = 6;
  const auto result = train_model(options_, all_.split("Training"), all_.split("PublicTest"));
  ASSERT_EQ(result.history.size(), 6u);
  EXPECT_LT(result.history.back().train_loss, 0.8 * result.history.front().train_loss);
  EXPECT_GT(result.best_val_accuracy, 0.5) << "chance is 1/7";

  const auto files = artifacts_for(options_);
  for (const auto& f :
       {options_.out, files.checkpoint, files.metrics_csv, files.loss_png, files.accuracy_png}) {
    EXPECT_TRUE(fs::exists(f)) << f;
  }
  const std::string csv = test::read_file(files.metrics_csv);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 7) << csv;

  // The saved best model reproduces the best validation accuracy through the inference path.
  nn::ClassifierOptions co;
  co.models = {options_.out};
  co.prior_power = 0;  // as validation measured it
  auto classifier = nn::make_classifier(co);
  const auto eval = evaluate([&](const torch::Tensor& f) { return classifier->predict(f); },
                             all_.split("PublicTest"), classifier->spec().classes);
  EXPECT_NEAR(eval.metrics.accuracy, result.best_val_accuracy, 1e-9);
  const auto model = nn::load_model(options_.out);
  EXPECT_EQ(model.training.at("best_epoch"), result.best_epoch);
  EXPECT_GT(model.spec.input.std, 0.0);
  // The training faces per class are recorded by name, for inference to divide the prior out.
  const auto counts = all_.split("Training").class_counts();
  for (int e = 0; e < kEmotionCount; ++e) {
    EXPECT_EQ(model.training.at("class_counts").at(std::string(emotion_names()[e])), counts[e]);
  }
}

TEST_F(TrainEndToEnd, MixupAndShearStillLearnTheFaces) {
  // The loss against blended labels cannot reach the plain one's, but the network must still
  // learn the classes: validation is on unmixed faces.
  options_.epochs = 6;
  options_.mixup_alpha = 0.4;
  options_.augmentation.max_shear = 0.2;
  const auto result = train_model(options_, all_.split("Training"), all_.split("PublicTest"));
  EXPECT_LT(result.history.back().train_loss, 0.9 * result.history.front().train_loss);
  EXPECT_GT(result.best_val_accuracy, 0.5) << "chance is 1/7";
}

TEST_F(TrainEndToEnd, TheResidualNetworkLearnsTheFacesAndIsReadBack) {
  options_.epochs = 6;
  options_.arch.name = "resnet";
  // The classes differ by where a band lies; after global pooling only a receptive field that
  // spans the face can tell where, hence four stages (48 → 3 pixels).
  options_.arch.channels = {8, 8, 16, 16};
  options_.arch.convs_per_stage = 2;
  const auto result = train_model(options_, all_.split("Training"), all_.split("PublicTest"));
  EXPECT_LT(result.history.back().train_loss, 0.8 * result.history.front().train_loss);
  EXPECT_GT(result.best_val_accuracy, 0.5) << "chance is 1/7";
  nn::ClassifierOptions co;
  co.models = {options_.out};
  co.prior_power = 0;
  auto classifier = nn::make_classifier(co);
  EXPECT_EQ(classifier->spec().arch.name, "resnet");
  const auto eval = evaluate([&](const torch::Tensor& f) { return classifier->predict(f); },
                             all_.split("PublicTest"), classifier->spec().classes);
  EXPECT_NEAR(eval.metrics.accuracy, result.best_val_accuracy, 1e-9);
}

TEST_F(TrainEndToEnd, DistillationTeachesWhatTheLabelsDoNot) {
  // A teacher learns the true emotions; the students are given labels shifted by one emotion, so
  // every face is mislabelled. With all of the loss the teacher's, a student learns the true
  // emotions; from the labels alone, it learns the wrong ones.
  options_.epochs = 5;
  const auto teacher = train_model(options_, all_.split("Training"), all_.split("PublicTest"));
  ASSERT_GT(teacher.best_val_accuracy, 0.5);
  auto mislabelled = all_.split("Training");
  mislabelled.labels = (mislabelled.labels + 1).remainder(kEmotionCount);

  TrainOptions student = options_;
  student.out = dir_ / "student.safetensors";
  student.teachers = {options_.out};
  student.distill_weight = 1.0;
  student.mixup_alpha = 0.4;  // the teacher sees the blended faces too
  const auto taught = train_model(student, mislabelled, all_.split("PublicTest"));
  EXPECT_GT(taught.best_val_accuracy, 0.5) << "chance is 1/7";
  const auto model = nn::load_model(student.out);
  EXPECT_EQ(model.training.at("teachers"), nlohmann::json::array({"model.safetensors"}));
  EXPECT_EQ(model.training.at("distill_weight"), 1.0);

  TrainOptions alone = options_;
  alone.out = dir_ / "alone.safetensors";
  const auto misled = train_model(alone, mislabelled, all_.split("PublicTest"));
  EXPECT_LT(misled.best_val_accuracy, 0.3);

  // A teacher is an input: no run may write its model over it.
  const auto teacher_bytes = test::read_file(options_.out);
  TrainOptions over = student;
  over.out = options_.out;
  over.overwrite = true;
  EXPECT_THROW(train_model(over, mislabelled, all_.split("PublicTest")), InputError);
  EXPECT_EQ(test::read_file(options_.out), teacher_bytes);
}

TEST_F(TrainEndToEnd, ResumeContinuesFromTheCheckpoint) {
  options_.epochs = 2;
  train_model(options_, all_.split("Training"), all_.split("PublicTest"));
  options_.epochs = 3;
  options_.resume = true;
  const auto resumed = train_model(options_, all_.split("Training"), all_.split("PublicTest"));
  ASSERT_EQ(resumed.history.size(), 3u);
  EXPECT_EQ(resumed.history[2].epoch, 3);

  TrainOptions other = options_;
  other.arch.channels = {8, 32};
  EXPECT_THROW(train_model(other, all_.split("Training"), all_.split("PublicTest")), ModelError);
  other = options_;
  other.checkpoint = dir_ / "missing.safetensors";
  EXPECT_THROW(train_model(other, all_.split("Training"), all_.split("PublicTest")), ModelError);
}

TEST_F(TrainEndToEnd, FineTuningStartsFromTheInitialModel) {
  options_.epochs = 5;
  const auto first = train_model(options_, all_.split("Training"), all_.split("PublicTest"));
  ASSERT_GT(first.best_val_accuracy, 0.5);

  // Another architecture is asked for, and a rate too small to learn anything in one epoch: the
  // run can only score like the first model if it starts from its weights and architecture.
  TrainOptions tune = options_;
  tune.init = options_.out;
  tune.out = dir_ / "tuned.safetensors";
  tune.arch.channels = {4};
  tune.epochs = 1;
  tune.schedule.base_lr = 1e-7;
  tune.augment = false;
  const auto tuned = train_model(tune, all_.split("Training"), all_.split("PublicTest"));
  EXPECT_GT(tuned.history[0].val_accuracy, first.best_val_accuracy - 0.15);
  const auto model = nn::load_model(tune.out);
  EXPECT_EQ(model.spec.arch.channels, (std::vector<int>{8, 16}));
  EXPECT_EQ(model.training.at("initial_weights"), "model.safetensors");

  // From scratch with that rate, the small network stays near chance.
  TrainOptions scratch = tune;
  scratch.init.clear();
  scratch.out = dir_ / "scratch.safetensors";
  const auto cold = train_model(scratch, all_.split("Training"), all_.split("PublicTest"));
  EXPECT_LT(cold.history[0].val_accuracy, first.best_val_accuracy - 0.15);
}

TEST_F(TrainEndToEnd, FineTuningRefusesAModelForOtherFacesNamingIt) {
  nn::ModelSpec spec;
  spec.arch.channels = {8};
  spec.input.size = 32;
  spec.classes.assign(emotion_names().begin(), emotion_names().end());
  const auto small = dir_ / "small.safetensors";
  auto net = nn::make_network(spec.arch, spec.input.size, kEmotionCount);
  nn::save_model(small, net, spec, {});
  options_.init = small;
  try {
    train_model(options_, all_.split("Training"), all_.split("PublicTest"));
    ADD_FAILURE() << "a model for 32x32 faces was fine-tuned on 48x48 ones";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("small.safetensors: takes 32x32 faces"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(fs::exists(options_.out));
}

TEST_F(TrainEndToEnd, EqualisationIsMeasuredAndRecordedInTheModel) {
  options_.epochs = 1;
  options_.equalize = nn::Equalize::kHistogram;
  train_model(options_, all_.split("Training"), all_.split("PublicTest"));
  const auto input = nn::load_model(options_.out).spec.input;
  EXPECT_EQ(input.equalize, nn::Equalize::kHistogram);
  // Equalised faces spread over the whole range: mean near 1/2, std near that of a uniform
  // distribution on [0, 1] (0.29), whatever the raw faces' levels were.
  EXPECT_NEAR(input.mean, 0.5, 0.05);
  EXPECT_NEAR(input.std, 0.29, 0.04);
}

TEST_F(TrainEndToEnd, InterruptKeepsTheCheckpointAndSaysHowToResume) {
  options_.epochs = 1;
  train_model(options_, all_.split("Training"), all_.split("PublicTest"));
  const auto files = artifacts_for(options_);
  const std::string checkpoint = test::read_file(files.checkpoint);
  const std::string model = test::read_file(options_.out);

  options_.epochs = 3;
  options_.resume = true;
  TrainOptions interrupted = options_;
  interrupted.cancel = CancelToken();
  interrupted.cancel.cancel();
  try {
    train_model(interrupted, all_.split("Training"), all_.split("PublicTest"));
    FAIL() << "training went on after its token was cancelled";
  } catch (const InterruptedError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("interrupted in epoch 2"), std::string::npos) << m;
    EXPECT_NE(m.find("holds epoch 1, from which training can resume"), std::string::npos) << m;
  }
  EXPECT_EQ(test::read_file(files.checkpoint), checkpoint) << "the checkpoint was touched";
  EXPECT_EQ(test::read_file(options_.out), model) << "the model was touched";
  // And the resume it recommends works.
  const auto resumed = train_model(options_, all_.split("Training"), all_.split("PublicTest"));
  EXPECT_EQ(resumed.history.size(), 3u);
}

TEST_F(TrainEndToEnd, CancellingOneRunLeavesAnotherRunning) {
  const auto train = all_.split("Training");
  const auto val = all_.split("PublicTest");
  TrainOptions stopped = options_;
  stopped.out = dir_ / "stopped.safetensors";
  stopped.epochs = 500;  // far longer than the test waits: only the token can end it in time
  TrainOptions other = options_;
  other.out = dir_ / "other.safetensors";
  other.epochs = 3;
  other.cancel = CancelToken();  // a copy of options_ would share stopped's token

  std::exception_ptr stopped_error;
  std::thread stopped_run([&] {
    try {
      train_model(stopped, train, val);
    } catch (...) {
      stopped_error = std::current_exception();
    }
  });
  TrainResult other_result;
  std::exception_ptr other_error;
  std::thread other_run([&] {
    try {
      other_result = train_model(other, train, val);
    } catch (...) {
      other_error = std::current_exception();
    }
  });
  // Cancelled in the middle of the run: once its first epoch is saved, while the other trains.
  const auto checkpoint = artifacts_for(stopped).checkpoint;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!fs::exists(checkpoint) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stopped.cancel.cancel();
  stopped_run.join();
  other_run.join();

  ASSERT_TRUE(stopped_error) << "the cancelled run trained all its epochs";
  try {
    std::rethrow_exception(stopped_error);
  } catch (const InterruptedError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("from which training can resume"), std::string::npos) << m;
  } catch (const std::exception& e) {
    FAIL() << "the cancelled run failed otherwise: " << e.what();
  }
  ASSERT_FALSE(other_error) << "the run whose token nobody touched did not finish";
  EXPECT_EQ(other_result.history.size(), 3u);
  EXPECT_TRUE(fs::exists(other.out));
}

TEST_F(TrainEndToEnd, RefusesToReplaceAnEarlierRunUnlessAskedTo) {
  options_.epochs = 1;
  train_model(options_, all_.split("Training"), all_.split("PublicTest"));
  const auto files = artifacts_for(options_);
  const std::string checkpoint = test::read_file(files.checkpoint);
  const std::string model = test::read_file(options_.out);
  try {
    train_model(options_, all_.split("Training"), all_.split("PublicTest"));
    FAIL() << "a second run replaced the first one's checkpoint";
  } catch (const OutputExistsError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kBadValue);
    EXPECT_EQ(e.path, files.checkpoint);
    const std::string m = e.what();
    EXPECT_NE(m.find(files.checkpoint.string() + ": "), std::string::npos) << m;
    EXPECT_NE(m.find("would replace"), std::string::npos) << m;
    EXPECT_EQ(m.find("--"), std::string::npos) << "the library names no flag: " << m;
  }
  EXPECT_EQ(test::read_file(files.checkpoint), checkpoint);
  EXPECT_EQ(test::read_file(options_.out), model);

  fs::remove(files.checkpoint);  // a model alone is refused too
  try {
    check_outputs(options_);
    FAIL() << "a second run would replace the first one's model";
  } catch (const OutputExistsError& e) {
    EXPECT_EQ(e.path, options_.out);
  }
  options_.overwrite = true;
  EXPECT_NO_THROW(check_outputs(options_));
  EXPECT_EQ(train_model(options_, all_.split("Training"), all_.split("PublicTest")).history.size(),
            1u);
}

TEST_F(TrainEndToEnd, ResumeRefusesOtherDataButNotAnotherFormOfTheSame) {
  options_.epochs = 1;
  train_model(options_, all_.split("Training"), all_.split("PublicTest"));
  options_.epochs = 2;
  options_.resume = true;

  test::write_file(dir_ / "other.csv",
                   test::fer_csv(test::synthetic_rows(12, {"Training", "PublicTest"}, 999)));
  data::LoadOptions lo;
  lo.use_cache = false;
  lo.show_progress = false;
  const auto other = data::load_dataset(dir_ / "other.csv", lo);
  const auto files = artifacts_for(options_);
  const std::string checkpoint = test::read_file(files.checkpoint);
  try {
    train_model(options_, other.split("Training"), all_.split("PublicTest"));
    FAIL() << "resumed on other data";
  } catch (const UsageError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(files.checkpoint.string() + ": this checkpoint was trained on other data"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("other.csv"), std::string::npos) << m;
    EXPECT_NE(m.find("fer.csv"), std::string::npos) << m;
  }
  EXPECT_THROW(train_model(options_, all_.split("Training"), other.split("PublicTest")), UsageError)
      << "another validation set is other data too";
  EXPECT_EQ(test::read_file(files.checkpoint), checkpoint);

  // The same rows from the packed form are the same data.
  data::save_packed(all_, dir_ / "fer.safetensors");
  const auto packed = data::load_dataset(dir_ / "fer.safetensors", lo);
  EXPECT_EQ(
      train_model(options_, packed.split("Training"), packed.split("PublicTest")).history.size(),
      2u);
}

TEST_F(TrainEndToEnd, RejectsBadOptionsBeforeTraining) {
  options_.epochs = 0;
  EXPECT_THROW(train_model(options_, all_.split("Training"), all_.split("PublicTest")), UsageError);
  options_.epochs = 1;
  options_.label_smoothing = 1.0;  // nothing left of the labels
  EXPECT_THROW(train_model(options_, all_.split("Training"), all_.split("PublicTest")), UsageError);
  options_.label_smoothing = 0.1;
  options_.mixup_alpha = -0.2;
  EXPECT_THROW(train_model(options_, all_.split("Training"), all_.split("PublicTest")), UsageError);
  options_.mixup_alpha = 0;
  options_.augmentation.max_shear = 1.5;
  EXPECT_THROW(train_model(options_, all_.split("Training"), all_.split("PublicTest")), UsageError);
  options_.augmentation.max_shear = 0;
  options_.distill_weight = 1.5;
  EXPECT_THROW(train_model(options_, all_.split("Training"), all_.split("PublicTest")), UsageError);
  options_.distill_weight = 0.5;
  options_.distill_temperature = 0;
  EXPECT_THROW(train_model(options_, all_.split("Training"), all_.split("PublicTest")), UsageError);
  EXPECT_FALSE(fs::exists(options_.out));
}

}  // namespace emomusic::train
