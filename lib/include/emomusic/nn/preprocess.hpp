#pragma once
/// @file
/// The one preprocessing step that training and inference share, so they cannot drift apart:
/// uint8 grayscale faces → normalised float input of the network.

#include <torch/torch.h>

#include <string>

#include "emomusic/nn/model_spec.hpp"

namespace emomusic::nn {

/// Histogram equalisation of each face of a uint8 batch ([N,S,S] or [N,1,S,S]), on its device;
/// same shape and dtype. The same mapping as OpenCV's cv::equalizeHist (pinned by a test), so a
/// face equalised here in training is the face a camera frame gives in inference.
torch::Tensor equalize_histograms(const torch::Tensor& faces_u8);

/// uint8 [N,S,S] (or [N,1,S,S]) with S == spec.size → float [N,1,S,S] = (f(pixel)/255 - mean) /
/// std on `device`, f being spec.equalize. Throws std::invalid_argument for a wrong dtype or size.
torch::Tensor normalize_faces(const torch::Tensor& faces_u8, const InputSpec& spec,
                              const torch::Device& device = torch::kCPU);

/// "cpu", "cuda", "cuda:N"; throws UnavailableError when CUDA is asked for but not available.
torch::Device parse_device(const std::string& name);

}  // namespace emomusic::nn
