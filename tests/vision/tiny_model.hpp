#pragma once
// Small untrained emotion models for the vision tests, so they never depend on the shipped model,
// and a reference forward pass that does not go through the vision area.

#include <filesystem>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace emomusic::test {

/// A small VGG with random weights (seeded, so its outputs are fixed) for 48×48 faces, whose
/// classes are `classes` in that order (default: the 7 emotions in label order).
void write_tiny_model(const std::filesystem::path& path,
                      const std::vector<std::string>& classes = {});

/// write_tiny_model() for a model whose input spec asks for histogram equalisation.
void write_tiny_equalizing_model(const std::filesystem::path& path);

/// A grayscale image (CV_8UC1) through nn::equalize_histograms, the equalisation training uses.
cv::Mat equalize_through_nn(const cv::Mat& gray);

/// write_tiny_model(), then spoiled as `how` says, for the tests of bad model files:
/// "huge-channels" (metadata asks for 10^6 channels), "huge-input" (input size 100000),
/// "deep" (convs_per_stage 10^8), "nan" (a NaN weight), "std0" (normalisation std 0),
/// "i32" (a weight stored as I32), "letters" (classes a..g), "twice" (angry listed twice).
/// Throws std::invalid_argument for another `how`.
void write_spoiled_model(const std::filesystem::path& path, const std::string& how);

/// An untrained model of the default architecture (nn::ArchSpec{}), for timing.
void write_default_arch_model(const std::filesystem::path& path);

/// Probabilities of the model file's network for 48×48 grayscale crops, computed one crop at a
/// time straight from nn (load_model, normalize_faces, softmax), in the model's class order.
std::vector<std::vector<float>> reference_probabilities(const std::filesystem::path& model,
                                                        const std::vector<cv::Mat>& crops);

}  // namespace emomusic::test
