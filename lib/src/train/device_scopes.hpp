#pragma once
// Scoped device settings of a training run: bfloat16 autocast for a step, and cuDNN's benchmark
// mode. Each puts back what it found, so evaluation and later code run as they would have.

#include <ATen/ATen.h>

#include "emomusic/train/trainer.hpp"

namespace emomusic::train {

// bfloat16 autocast for the forward pass of one step, what Python's `with torch.autocast(...)`
// does. Leaving the outermost scope also empties the cache of weights cast to bfloat16, which the
// coming optimizer step makes stale.
class AutocastScope {
 public:
  AutocastScope(c10::DeviceType type, Precision precision);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  c10::DeviceType type_;
  bool active_;
  bool was_enabled_ = false;
  at::ScalarType was_dtype_ = at::kFloat;
};

// cuDNN's benchmark mode times the candidate algorithms of each convolution shape once and keeps
// the fastest; training's shapes are fixed, so that is paid in the first steps only. The setting
// is process-wide: it is put back when training ends.
class CudnnBenchmark {
 public:
  explicit CudnnBenchmark(bool on);
  ~CudnnBenchmark();
  CudnnBenchmark(const CudnnBenchmark&) = delete;
  CudnnBenchmark& operator=(const CudnnBenchmark&) = delete;

 private:
  bool was_;
};

}  // namespace emomusic::train
