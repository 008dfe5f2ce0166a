#pragma once
/// @file
/// FER2013-style face datasets held in memory as uint8 tensors.

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace emomusic::data {

/// Side of a FER2013 face in pixels.
inline constexpr int kFerSide = 48;

/// Canonical split names. FER2013's CSV has the first three; the per-image layout has "train"
/// (Training) and "test" (Test: PublicTest and PrivateTest together); a folder of class folders
/// without splits is "All".
inline constexpr const char* kTraining = "Training";
inline constexpr const char* kPublicTest = "PublicTest";
inline constexpr const char* kPrivateTest = "PrivateTest";
inline constexpr const char* kTest = "Test";
inline constexpr const char* kAll = "All";

struct FaceDataset {
  torch::Tensor images;                  ///< uint8 [N, 48, 48]
  torch::Tensor labels;                  ///< int64 [N], 0..6
  torch::Tensor splits;                  ///< uint8 [N], index into split_names
  std::vector<std::string> split_names;  ///< canonical names, in first-seen order
  std::string source;                    ///< what it was loaded from, for messages

  std::int64_t size() const { return images.defined() ? images.size(0) : 0; }
  bool has_split(const std::string& name) const;
  /// Rows of one split, or every row for "all". Case-insensitive; accepts the aliases train,
  /// test, val. Throws UsageError naming the splits that exist.
  FaceDataset split(const std::string& name) const;
  /// Images per class (7 entries).
  std::vector<std::int64_t> class_counts() const;
};

/// A digest of the images and labels (16 hex digits, FNV-1a): the same for the same rows in the
/// same order whichever form they were loaded from, different for other data. A checkpoint keeps
/// it, so that a resumed run can tell it is given the data it started with.
std::string content_fingerprint(const FaceDataset& dataset);

/// The canonical split for a name people type or a folder is called (case-insensitive: train,
/// training, val, valid, validation, public, publictest, private, privatetest, test, all);
/// any other name is returned unchanged.
std::string canonical_split(const std::string& name);

/// The split `eval` uses by default: PrivateTest when present, else PublicTest, else Test, else
/// All.
std::string default_eval_split(const FaceDataset& d);
/// The split training validates on: PublicTest, else Test; empty when there is none.
std::string default_validation_split(const FaceDataset& d);

}  // namespace emomusic::data
