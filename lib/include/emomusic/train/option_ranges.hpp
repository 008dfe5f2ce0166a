#pragma once
/// @file
/// The bounds of the training and evaluation options that a front end sets, and the check of a
/// TrainOptions against them (train_model() runs it first), NaN and infinities refused. Kept
/// apart from trainer.hpp, which much of the library includes, so that a change of bounds
/// rebuilds only what uses them.

#include <cstdint>

#include "emomusic/core/value_range.hpp"
#include "emomusic/nn/network.hpp"
#include "emomusic/train/trainer.hpp"

namespace emomusic::train {

/// nn::ArchSpec, within the limits make_network() enforces.
inline constexpr ValueRange<int> kChannelsRange{1, nn::kMaxChannels};
inline constexpr ValueRange<int> kConvsPerStageRange{1, nn::kMaxConvsPerStage};
inline constexpr ValueRange<int> kHiddenRange{0, nn::kMaxHidden};
inline constexpr ValueRange<double> kDropoutRange{0.0, 0.99};  ///< 1 would drop every unit

/// TrainOptions
inline constexpr ValueRange<int> kEpochsRange{1, 10000};
/// At least 2: batch norm needs two images to measure a variance.
inline constexpr ValueRange<int> kTrainBatchRange{2, 4096};
inline constexpr ValueRange<int> kLrReferenceBatchRange{0, 4096};  ///< 0: the run's batch size
inline constexpr ValueRange<double> kWeightDecayRange{0.0, 1.0};
inline constexpr ValueRange<double> kMomentumRange{0.0, 0.999};
inline constexpr ValueRange<double> kLabelSmoothingRange{0.0, 0.99};
/// Beta(α, α) with a large α always draws λ near 0.5; 10 is already there.
inline constexpr ValueRange<double> kMixupAlphaRange{0.0, 10.0};
inline constexpr ValueRange<double> kDistillWeightRange{0.0, 1.0};
/// Below 0.1 the softmax is an argmax; far above 20 every prediction is uniform.
inline constexpr ValueRange<double> kDistillTemperatureRange{0.1, 20.0};
inline constexpr ValueRange<int> kPatienceRange{0, 10000};
/// LibTorch's CPU threads (0: its default, one per core). More threads than cores only slow it
/// down, and each holds memory: 256 is far above any machine this runs on.
inline constexpr ValueRange<int> kThreadsRange{0, 256};
/// Any seed LibTorch takes; capped at 2^63-1 so that "-1" or an overflowing number, which a
/// conversion to an unsigned type would wrap to 2^64-1, is out of range rather than a seed.
inline constexpr ValueRange<std::uint64_t> kSeedRange{0, INT64_MAX};
/// Training images taken from a dataset for a quick run (0: all).
inline constexpr ValueRange<std::int64_t> kSubsetRange{0, 1'000'000'000};

/// ScheduleOptions. The learning rate's bounds are wide on purpose: they refuse NaN, infinities,
/// zero and negatives; a rate far too high for learning is still a rate (tests drive training to
/// a non-finite loss with one), and training stops, naming the steps, when the loss overflows.
inline constexpr ValueRange<double> kLearningRateRange{1e-12, 1e6};
inline constexpr ValueRange<double> kWarmupEpochsRange{0.0, 1000.0};

/// AugmentOptions. Zooms below 0.1 would crop a face to a few pixels.
inline constexpr ValueRange<double> kMaxShiftRange{0.0, 0.5};
inline constexpr ValueRange<double> kScaleRange{0.1, 4.0};
inline constexpr ValueRange<double> kRotationRange{0.0, 180.0};
/// A shear factor of 1 slants verticals by 45°.
inline constexpr ValueRange<double> kShearRange{0.0, 1.0};
inline constexpr ValueRange<double> kProbabilityRange{0.0, 1.0};  ///< erasing, blur
inline constexpr ValueRange<double> kBrightnessRange{0.0, 1.0};
inline constexpr ValueRange<double> kContrastRange{0.0, 10.0};  ///< contrast and gamma
inline constexpr ValueRange<double> kNoiseRange{0.0, 1.0};

/// How long a rank of a data-parallel run waits for the others (to meet, and at each exchange),
/// in seconds: a day is already far past any healthy wait.
inline constexpr ValueRange<double> kDistTimeoutRange{1.0, 86400.0};

/// evaluate()'s batch size
inline constexpr ValueRange<int> kEvalBatchRange{1, 4096};

/// Throws UsageError naming the field when a numeric field of `options` (its schedule's and
/// augmentation's included) is outside its range above.
void check_options(const TrainOptions& options);

}  // namespace emomusic::train
