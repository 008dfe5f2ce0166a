#pragma once
/// @file
/// The bounds of the vision options that a front end sets: the command line offers them, and the
/// classes that take the options check them (FaceDetector, EmotionPipeline, FaceTracker,
/// analyse_stream()), NaN and infinities refused. Kept apart from the option structs' headers,
/// which most of the library includes, so that a change of bounds rebuilds only what uses them.

#include "emomusic/core/value_range.hpp"

namespace emomusic::vision {

/// DetectorOptions
inline constexpr ValueRange<int> kMinFaceRange{8, 4096};
inline constexpr ValueRange<int> kDetectWidthRange{0, 8192};  ///< 0: never shrink
inline constexpr ValueRange<int> kMinNeighborsRange{1, 50};
inline constexpr ValueRange<int> kRescanEveryRange{1, 1000};

/// EmotionPipeline's face margin: below -0.25 the crop loses the mouth and brows.
inline constexpr ValueRange<double> kFaceMarginRange{-0.25, 1.0};

/// TrackerOptions::smoothing and StabilityOptions
inline constexpr ValueRange<int> kSmoothingRange{1, 1000};
inline constexpr ValueRange<double> kStableSecondsRange{0.0, 600.0};
inline constexpr ValueRange<double> kStableConfidenceRange{0.0, 1.0};

/// StreamOptions
inline constexpr ValueRange<int> kEveryRange{1, 1000};
inline constexpr ValueRange<double> kTimeoutRange{0.001, 86400.0};  ///< seconds, a day at most
/// How long a stream is watched for an emotion to settle (StreamOptions::timeout_s), by default.
inline constexpr double kDefaultSettleTimeout = 15;

}  // namespace emomusic::vision
