#include "tiny_model.hpp"

#include <torch/torch.h>

#include <cmath>
#include <cstring>
#include <stdexcept>

#include "emomusic/core/emotion.hpp"
#include "emomusic/core/safetensors.hpp"
#include "emomusic/nn/model_file.hpp"
#include "emomusic/nn/network.hpp"
#include "emomusic/nn/preprocess.hpp"

namespace emomusic::test {

namespace {

void write_model(const std::filesystem::path& path, nn::ModelSpec spec,
                 const std::vector<std::string>& classes) {
  torch::manual_seed(11);
  if (classes.empty()) {
    for (const auto& name : emotion_names()) spec.classes.emplace_back(name);
  } else {
    spec.classes = classes;
  }
  auto net = nn::make_network(spec.arch, spec.input.size, static_cast<int>(spec.classes.size()));
  // One training-mode pass gives the batch-norm statistics non-trivial values.
  net->train();
  net->forward(torch::randn({8, 1, spec.input.size, spec.input.size}));
  nn::save_model(path, net, spec, {});
}

}  // namespace

void write_tiny_model(const std::filesystem::path& path, const std::vector<std::string>& classes) {
  nn::ModelSpec spec;
  spec.arch.channels = {8, 16};
  spec.arch.hidden = 16;
  write_model(path, spec, classes);
}

void write_tiny_equalizing_model(const std::filesystem::path& path) {
  nn::ModelSpec spec;
  spec.arch.channels = {8, 16};
  spec.arch.hidden = 16;
  spec.input.equalize = nn::Equalize::kHistogram;
  write_model(path, spec, {});
}

cv::Mat equalize_through_nn(const cv::Mat& gray) {
  CV_Assert(gray.type() == CV_8UC1);
  const cv::Mat packed = gray.clone();
  const auto out = nn::equalize_histograms(
                       torch::from_blob(packed.data, {1, packed.rows, packed.cols}, torch::kUInt8))
                       .contiguous();
  return cv::Mat(packed.rows, packed.cols, CV_8UC1, out.data_ptr()).clone();
}

void write_spoiled_model(const std::filesystem::path& path, const std::string& how) {
  write_tiny_model(path);
  SafetensorsFile file = load_safetensors(path);
  auto& meta = file.metadata;
  const auto arch = [&](const std::string& extra) {
    meta["arch"] = R"({"name":"vgg","channels":)" + extra + "}";
  };
  if (how == "huge-channels") {
    arch(R"([1000000,16],"convs_per_stage":2,"hidden":16,"dropout":0.4)");
  } else if (how == "huge-input") {
    meta["input"] = R"({"size":100000,"mean":0.5,"std":0.25})";
  } else if (how == "deep") {
    arch(R"([8,16],"convs_per_stage":100000000,"hidden":16,"dropout":0.4)");
  } else if (how == "nan") {
    const float nan = std::nanf("");
    std::memcpy(file.tensors.at("conv0.weight").bytes.data(), &nan, sizeof nan);
  } else if (how == "std0") {
    meta["input"] = R"({"size":48,"mean":0.5,"std":0})";
  } else if (how == "i32") {
    file.tensors.at("conv0.bias").dtype = "I32";
  } else if (how == "letters") {
    meta["classes"] = R"(["a","b","c","d","e","f","g"])";
  } else if (how == "twice") {
    meta["classes"] = R"(["angry","angry","fear","happy","sad","surprise","neutral"])";
  } else {
    throw std::invalid_argument("unknown spoiling '" + how + "'");
  }
  save_safetensors(path, file);
}

void write_default_arch_model(const std::filesystem::path& path) {
  write_model(path, {}, {});
}

std::vector<std::vector<float>> reference_probabilities(const std::filesystem::path& model,
                                                        const std::vector<cv::Mat>& crops) {
  auto loaded = nn::load_model(model);
  const int s = loaded.spec.input.size;
  std::vector<std::vector<float>> out;
  for (const auto& crop : crops) {
    CV_Assert(crop.type() == CV_8UC1 && crop.isContinuous() && crop.rows == s && crop.cols == s);
    auto face = torch::empty({1, s, s}, torch::kUInt8);
    std::memcpy(face.data_ptr<uint8_t>(), crop.data, static_cast<std::size_t>(s) * s);
    const auto p =
        torch::softmax(loaded.net->forward(nn::normalize_faces(face, loaded.spec.input)), 1)
            .contiguous();
    out.emplace_back(p.data_ptr<float>(), p.data_ptr<float>() + p.size(1));
  }
  return out;
}

}  // namespace emomusic::test
