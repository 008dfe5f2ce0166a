#include "emomusic/train/evaluate.hpp"

#include "emomusic/core/progress.hpp"
#include "emomusic/train/option_ranges.hpp"

namespace emomusic::train {

Evaluation evaluate(const Predictor& predict, const data::FaceDataset& dataset,
                    const std::vector<std::string>& classes, int batch_size, bool show_progress) {
  check_range(batch_size, kEvalBatchRange, "the batch size");
  ConfusionCounter counter(classes);
  double nll = 0;
  Progress progress("evaluate", dataset.size(), "faces",
                    show_progress ? Progress::Style::kAuto : Progress::Style::kQuiet);
  for (int64_t start = 0; start < dataset.size(); start += batch_size) {
    const auto len = std::min<int64_t>(batch_size, dataset.size() - start);
    const auto probs = predict(dataset.images.narrow(0, start, len));
    const auto truth = dataset.labels.narrow(0, start, len);
    counter.add(probs.argmax(1), truth);
    nll -= probs.gather(1, truth.view({-1, 1})).clamp_min(1e-12).log().sum().item<double>();
    progress.advance(len);
  }
  progress.finish();
  Evaluation e;
  e.metrics = counter.metrics();
  e.loss = dataset.size() > 0 ? nll / static_cast<double>(dataset.size()) : 0.0;
  return e;
}

}  // namespace emomusic::train
