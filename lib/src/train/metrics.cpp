#include "emomusic/train/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace emomusic::train {

ConfusionCounter::ConfusionCounter(std::vector<std::string> classes)
    : classes_(std::move(classes)),
      counts_(torch::zeros(
          {static_cast<int64_t>(classes_.size()) * static_cast<int64_t>(classes_.size())},
          torch::kInt64)) {}

void ConfusionCounter::add(const torch::Tensor& predicted, const torch::Tensor& truth) {
  const auto k = static_cast<int64_t>(classes_.size());
  const auto flat =
      truth.to(torch::kCPU).to(torch::kInt64) * k + predicted.to(torch::kCPU).to(torch::kInt64);
  counts_ += torch::bincount(flat, {}, k * k);
}

Metrics ConfusionCounter::metrics() const {
  const auto k = classes_.size();
  std::vector<std::vector<std::int64_t>> confusion(k, std::vector<std::int64_t>(k));
  const auto acc = counts_.accessor<int64_t, 1>();
  for (size_t t = 0; t < k; ++t)
    for (size_t p = 0; p < k; ++p) confusion[t][p] = acc[static_cast<int64_t>(t * k + p)];
  return metrics_from_confusion(confusion, classes_);
}

Metrics metrics_from_confusion(const std::vector<std::vector<std::int64_t>>& confusion,
                               const std::vector<std::string>& classes) {
  Metrics m;
  m.classes = classes;
  m.confusion = confusion;
  const size_t k = classes.size();
  std::int64_t correct = 0;
  for (size_t c = 0; c < k; ++c) {
    std::int64_t tp = confusion[c][c], row = 0, col = 0;
    for (size_t j = 0; j < k; ++j) {
      row += confusion[c][j];
      col += confusion[j][c];
    }
    ClassMetrics cm;
    cm.support = row;
    cm.precision = col > 0 ? static_cast<double>(tp) / static_cast<double>(col) : 0.0;
    cm.recall = row > 0 ? static_cast<double>(tp) / static_cast<double>(row) : 0.0;
    cm.f1 = cm.precision + cm.recall > 0 ? 2 * cm.precision * cm.recall / (cm.precision + cm.recall)
                                         : 0.0;
    m.per_class.push_back(cm);
    m.n += row;
    correct += tp;
    m.macro_f1 += cm.f1;
  }
  m.accuracy = m.n > 0 ? static_cast<double>(correct) / static_cast<double>(m.n) : 0.0;
  m.macro_f1 = k > 0 ? m.macro_f1 / static_cast<double>(k) : 0.0;
  return m;
}

nlohmann::json Metrics::to_json() const {
  nlohmann::json per = nlohmann::json::object();
  for (size_t c = 0; c < classes.size(); ++c) {
    per[classes[c]] = {{"precision", per_class[c].precision},
                       {"recall", per_class[c].recall},
                       {"f1", per_class[c].f1},
                       {"support", per_class[c].support}};
  }
  return {{"n", n},           {"accuracy", accuracy}, {"macro_f1", macro_f1},
          {"per_class", per}, {"classes", classes},   {"confusion", confusion}};
}

std::string Metrics::to_text() const {
  std::string out = fmt::format("accuracy {:.2f}%  macro-F1 {:.2f}%  n={}\n\n", 100 * accuracy,
                                100 * macro_f1, n);
  out += fmt::format("{:<10} {:>9} {:>9} {:>9} {:>8}\n", "class", "precision", "recall", "F1",
                     "support");
  for (size_t c = 0; c < classes.size(); ++c) {
    out += fmt::format("{:<10} {:>8.1f}% {:>8.1f}% {:>8.1f}% {:>8}\n", classes[c],
                       100 * per_class[c].precision, 100 * per_class[c].recall,
                       100 * per_class[c].f1, per_class[c].support);
  }
  out += "\nconfusion (rows: true, columns: predicted)\n" + std::string(10, ' ');
  for (const auto& c : classes) out += fmt::format(" {:>8}", c.substr(0, 8));
  out += "\n";
  for (size_t t = 0; t < classes.size(); ++t) {
    out += fmt::format("{:<10}", classes[t]);
    for (auto v : confusion[t]) out += fmt::format(" {:>8}", v);
    out += "\n";
  }
  return out;
}

}  // namespace emomusic::train
