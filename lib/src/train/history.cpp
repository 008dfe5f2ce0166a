#include "history.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "emomusic/core/atomic_file.hpp"
#include "emomusic/plot/line_chart.hpp"

namespace emomusic::train {

nlohmann::json to_json(const EpochRecord& r) {
  return {{"epoch", r.epoch},
          {"train_loss", r.train_loss},
          {"train_accuracy", r.train_accuracy},
          {"val_loss", r.val_loss},
          {"val_accuracy", r.val_accuracy},
          {"val_macro_f1", r.val_macro_f1},
          {"lr", r.lr},
          {"seconds", r.seconds},
          {"images_per_second", r.images_per_second}};
}

EpochRecord epoch_from_json(const nlohmann::json& j) {
  EpochRecord r;
  r.epoch = j.at("epoch");
  r.train_loss = j.at("train_loss");
  r.train_accuracy = j.at("train_accuracy");
  r.val_loss = j.at("val_loss");
  r.val_accuracy = j.at("val_accuracy");
  r.val_macro_f1 = j.value("val_macro_f1", 0.0);
  r.lr = j.at("lr");
  r.seconds = j.at("seconds");
  r.images_per_second = j.value("images_per_second", 0.0);
  return r;
}

void write_history(const std::vector<EpochRecord>& history, const TrainArtifacts& files) {
  std::string csv =
      "epoch,train_loss,train_accuracy,val_loss,val_accuracy,val_macro_f1,lr,seconds,images_per_"
      "second\n";
  std::vector<double> epochs, train_loss, val_loss, train_acc, val_acc;
  for (const auto& r : history) {
    csv += fmt::format("{},{:.5f},{:.5f},{:.5f},{:.5f},{:.5f},{:.6g},{:.1f},{:.1f}\n", r.epoch,
                       r.train_loss, r.train_accuracy, r.val_loss, r.val_accuracy, r.val_macro_f1,
                       r.lr, r.seconds, r.images_per_second);
    epochs.push_back(r.epoch);
    train_loss.push_back(r.train_loss);
    val_loss.push_back(r.val_loss);
    train_acc.push_back(r.train_accuracy);
    val_acc.push_back(r.val_accuracy);
  }
  write_file_atomically(files.metrics_csv, csv);
  try {
    plot::LineChart loss;
    loss.title = "Training loss";
    loss.x_label = "epoch";
    loss.y_label = "cross-entropy";
    loss.series.push_back({"train (augmented, smoothed labels)", epochs, train_loss, {}, {}});
    loss.series.push_back({"validation", epochs, val_loss, {}, {}});
    plot::plot_lines(loss, files.loss_png);

    plot::LineChart acc;
    acc.title = "Accuracy";
    acc.x_label = "epoch";
    acc.y_label = "accuracy";
    acc.y_min = 0.0;
    acc.y_max = 1.0;
    acc.series.push_back({"train (augmented)", epochs, train_acc, {}, {}});
    acc.series.push_back({"validation", epochs, val_acc, {}, {}});
    plot::plot_lines(acc, files.accuracy_png);
  } catch (const std::exception& e) {
    // Pictures are a convenience; a plotting problem must never cost a training run.
    spdlog::warn("could not draw the training curves: {}", e.what());
  }
}

}  // namespace emomusic::train
