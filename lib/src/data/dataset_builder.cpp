#include "dataset_builder.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace emomusic::data {

void DatasetBuilder::add(const std::uint8_t* pixels, int label, const std::string& split) {
  pixels_.insert(pixels_.end(), pixels, pixels + kFerSide * kFerSide);
  labels_.push_back(label);
  auto it = std::find(split_names_.begin(), split_names_.end(), split);
  if (it == split_names_.end()) it = split_names_.insert(split_names_.end(), split);
  splits_.push_back(static_cast<std::uint8_t>(it - split_names_.begin()));
}

void DatasetBuilder::bad(const std::string& message) {
  // The error's type says that such rows can be skipped; the front end names its option for it,
  // once.
  if (!skip_bad_) throw BadRowError(message);
  ++skipped_;
  // The first few go to the log; all are in the report.
  if (skipped_ <= 10) spdlog::warn("skipped: {}", message);
  // Kept up to a bound: a file of a million bad lines must not become a million messages.
  if (report_ && report_->problems.size() < kMaxProblemsKept) report_->problems.push_back(message);
}

FaceDataset DatasetBuilder::finish(std::string source) {
  const auto n = static_cast<int64_t>(labels_.size());
  if (n == 0) {
    throw InputError(
        source + (skipped_ > 0 ? ": no usable images: all " + std::to_string(skipped_) + " were bad"
                               : ": no usable images: it holds no rows of data"));
  }
  FaceDataset d;
  d.images = torch::from_blob(pixels_.data(), {n, kFerSide, kFerSide}, torch::kUInt8).clone();
  d.labels = torch::from_blob(labels_.data(), {n}, torch::kInt64).clone();
  d.splits = torch::from_blob(splits_.data(), {n}, torch::kUInt8).clone();
  d.split_names = split_names_;
  d.source = std::move(source);
  if (skipped_ > 10) spdlog::warn("skipped {} bad rows or images in all", skipped_);
  if (report_) {
    report_->loaded = n;
    report_->skipped = skipped_;
  }
  return d;
}

}  // namespace emomusic::data
