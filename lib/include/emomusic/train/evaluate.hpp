#pragma once
/// @file
/// Runs a predictor over a labelled dataset in batches and measures it.

#include <functional>

#include "emomusic/data/dataset.hpp"
#include "emomusic/train/metrics.hpp"

namespace emomusic::train {

/// uint8 faces [N,48,48] → class probabilities [N,K] (CPU).
using Predictor = std::function<torch::Tensor(const torch::Tensor&)>;

struct Evaluation {
  Metrics metrics;
  double loss = 0;  ///< mean negative log-likelihood of the true class
};

Evaluation evaluate(const Predictor& predict, const data::FaceDataset& dataset,
                    const std::vector<std::string>& classes, int batch_size = 256,
                    bool show_progress = false);

}  // namespace emomusic::train
