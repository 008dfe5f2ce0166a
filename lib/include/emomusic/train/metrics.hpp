#pragma once
/// @file
/// Classification metrics from a confusion matrix: accuracy, per-class precision/recall/F1,
/// macro-F1.

#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace emomusic::train {

struct ClassMetrics {
  double precision = 0, recall = 0, f1 = 0;
  std::int64_t support = 0;  ///< true examples of the class
};

struct Metrics {
  std::vector<std::string> classes;
  std::vector<std::vector<std::int64_t>> confusion;  ///< [true][predicted]
  std::int64_t n = 0;
  double accuracy = 0;
  double macro_f1 = 0;
  std::vector<ClassMetrics> per_class;

  nlohmann::json to_json() const;
  /// A human-readable report: summary, per-class table, confusion matrix.
  std::string to_text() const;
};

/// Accumulates predictions batch by batch.
class ConfusionCounter {
 public:
  explicit ConfusionCounter(std::vector<std::string> classes);
  /// `predicted` and `truth`: int64 [N] class indices.
  void add(const torch::Tensor& predicted, const torch::Tensor& truth);
  Metrics metrics() const;

 private:
  std::vector<std::string> classes_;
  torch::Tensor counts_;  // int64 [K,K]
};

/// Metrics of a finished confusion matrix. A class never predicted has precision 0 (and F1 0),
/// as scikit-learn reports with zero_division=0.
Metrics metrics_from_confusion(const std::vector<std::vector<std::int64_t>>& confusion,
                               const std::vector<std::string>& classes);

}  // namespace emomusic::train
