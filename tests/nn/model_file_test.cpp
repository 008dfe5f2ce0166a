#include "emomusic/nn/model_file.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

#include "emomusic/core/error.hpp"
#include "emomusic/tensor/raw_tensor.hpp"
#include "test_support.hpp"

namespace emomusic::nn {
namespace {

ModelSpec small_spec() {
  ModelSpec s;
  s.arch.channels = {8, 16};
  s.arch.hidden = 32;
  s.input.mean = 0.51;
  s.input.std = 0.26;
  s.classes = {"angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"};
  return s;
}

// A valid small model file, to be spoiled by the tests below.
SafetensorsFile small_model_file() {
  torch::manual_seed(3);
  const auto spec = small_spec();
  auto net = make_network(spec.arch, spec.input.size, 7);
  SafetensorsFile file = network_tensors(net);
  file.metadata = model_metadata(spec, {});
  return file;
}

// The ModelError message of loading `file` (saved to `dir`/`name`); fails the test otherwise.
std::string load_error(const test::TempDir& dir, const std::string& name,
                       const SafetensorsFile& file) {
  save_safetensors(dir / name, file);
  try {
    load_model(dir / name);
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << name << ": not a ModelError: " << e.what();
    return {};
  }
  ADD_FAILURE() << name << " was accepted";
  return {};
}

}  // namespace

TEST(ModelFile, RoundTripsWeightsBuffersAndMetadataExactly) {
  test::TempDir dir;
  torch::manual_seed(3);
  const auto spec = small_spec();
  auto net = make_network(spec.arch, spec.input.size, 7);
  net->train();
  net->forward(torch::randn({8, 1, 48, 48}));  // moves batch-norm statistics off their defaults
  save_model(dir / "m.safetensors", net, spec, {{"epochs", 3}, {"best_val_accuracy", 0.5}});

  const auto loaded = load_model(dir / "m.safetensors");
  EXPECT_EQ(loaded.spec.arch.channels, spec.arch.channels);
  EXPECT_EQ(loaded.spec.classes, spec.classes);
  EXPECT_DOUBLE_EQ(loaded.spec.input.mean, 0.51);
  EXPECT_EQ(loaded.training.at("epochs"), 3);
  const auto a = net->named_parameters();
  const auto b = loaded.net->named_parameters();
  for (const auto& p : a) EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();
  const auto ab = net->named_buffers();
  const auto bb = loaded.net->named_buffers();
  for (const auto& p : ab) EXPECT_TRUE(torch::equal(p.value(), bb[p.key()])) << p.key();

  net->eval();
  const auto x = torch::randn({2, 1, 48, 48});
  EXPECT_TRUE(torch::equal(net->forward(x), loaded.net->forward(x)));
}

TEST(ModelFile, TruncatedFileIsAModelErrorNamingIt) {
  test::TempDir dir;
  const auto spec = small_spec();
  auto net = make_network(spec.arch, 48, 7);
  save_model(dir / "m.safetensors", net, spec, {});
  const std::string bytes = test::read_file(dir / "m.safetensors");
  test::write_file(dir / "cut.safetensors", bytes.substr(0, bytes.size() / 2));
  try {
    load_model(dir / "cut.safetensors");
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("cut.safetensors"), std::string::npos) << e.what();
  }
}

TEST(ModelFile, WrongArchitectureOrForeignFileIsRejected) {
  test::TempDir dir;
  auto spec = small_spec();
  auto net = make_network(spec.arch, 48, 7);
  SafetensorsFile file = network_tensors(net);
  spec.arch.channels = {8, 32};  // metadata no longer matches the tensors
  file.metadata = model_metadata(spec, {});
  save_safetensors(dir / "mismatch.safetensors", file);
  EXPECT_THROW(load_model(dir / "mismatch.safetensors"), ModelError);

  SafetensorsFile foreign;
  foreign.tensors["w"] = RawTensor{"F32", {1}, std::string(4, '\0')};
  save_safetensors(dir / "foreign.safetensors", foreign);
  try {
    load_model(dir / "foreign.safetensors");
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("not an emomusic model"), std::string::npos) << e.what();
  }
}

TEST(ModelFile, RawTensorConversionKeepsDtypeShapeAndValues) {
  const auto t = torch::arange(12, torch::kInt64).view({3, 4});
  const auto raw = to_raw(t);
  EXPECT_EQ(raw.dtype, "I64");
  EXPECT_EQ(raw.shape, (std::vector<int64_t>{3, 4}));
  EXPECT_TRUE(torch::equal(from_raw(raw, "t"), t));
  const auto u = torch::tensor({0, 255, 7}, torch::kUInt8);
  EXPECT_TRUE(torch::equal(from_raw(to_raw(u), "u"), u));
}

// Metadata asking for an absurd network is refused from the metadata alone: fast, without
// allocating, and as a ModelError (exit 4) rather than a LibTorch error with a backtrace (exit 1).
TEST(ModelFile, AbsurdArchitectureInTheMetadataIsAModelError) {
  test::TempDir dir;
  const auto base = small_model_file();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"arch", R"({"name":"vgg","channels":[-8,16],"convs_per_stage":2,"hidden":32})"},
      {"arch", R"({"name":"vgg","channels":[0,16],"convs_per_stage":2,"hidden":32})"},
      {"arch", R"({"name":"vgg","channels":[1000000,16],"convs_per_stage":2,"hidden":32})"},
      {"arch", R"({"name":"vgg","channels":[10000000000,16]})"},  // wrapped to int before
      {"arch", R"({"name":"vgg","channels":[8.5,16]})"},
      {"arch", R"({"name":"vgg","channels":[8,16],"convs_per_stage":100000000})"},
      {"arch", R"({"name":"vgg","channels":[8,16],"hidden":200000})"},
      {"arch", R"("vgg")"},
      {"input", R"({"size":100000,"mean":0.5,"std":0.25})"},
      {"input", R"({"size":-48,"mean":0.5,"std":0.25})"},
      {"input", R"({"size":48,"mean":0.5,"std":0})"},  // printed "nan%" before
      {"input", R"({"size":48,"mean":0.5,"std":-0.2})"},
      {"input", R"({"size":48,"mean":1e999,"std":0.25})"},
      {"input", R"({"size":48,"mean":0.5,"std":"wide"})"},
      {"input", R"({"size":48,"equalize":"sideways","mean":0.5,"std":0.25})"},
      {"input", R"({"size":48,"equalize":1,"mean":0.5,"std":0.25})"},
  };
  const auto start = std::chrono::steady_clock::now();
  int i = 0;
  for (const auto& [field, value] : cases) {
    SafetensorsFile file = base;
    file.metadata[field] = value;
    const auto m = load_error(dir, "absurd" + std::to_string(i++) + ".safetensors", file);
    EXPECT_NE(m.find("metadata"), std::string::npos) << value << ": " << m;
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 2.0);
}

TEST(ModelFile, EqualisationIsKeptAndOlderFilesHaveNone) {
  test::TempDir dir;
  auto spec = small_spec();
  spec.input.equalize = Equalize::kHistogram;
  auto net = make_network(spec.arch, spec.input.size, 7);
  save_model(dir / "eq.safetensors", net, spec, {});
  EXPECT_EQ(load_model(dir / "eq.safetensors").spec.input.equalize, Equalize::kHistogram);

  // Files written before the field existed were fed raw faces.
  SafetensorsFile old = small_model_file();
  old.metadata["input"] = R"({"size":48,"mean":0.5,"std":0.25})";
  save_safetensors(dir / "old.safetensors", old);
  EXPECT_EQ(load_model(dir / "old.safetensors").spec.input.equalize, Equalize::kNone);
}

TEST(ModelSpec, EqualizeNamesRoundTrip) {
  for (const auto& name : equalize_names()) EXPECT_EQ(to_string(parse_equalize(name)), name);
  EXPECT_THROW(parse_equalize("clahe"), UsageError);
}

// Metadata within the bounds but larger than the tensors: compared before the (85 MB) network
// is built.
TEST(ModelFile, TensorsAreComparedWithTheMetadataBeforeBuilding) {
  test::TempDir dir;
  SafetensorsFile file = small_model_file();
  file.metadata["arch"] = R"({"name":"vgg","channels":[512,512],"convs_per_stage":1,"hidden":256})";
  const auto m = load_error(dir, "big.safetensors", file);
  EXPECT_NE(m.find("the metadata's architecture needs"), std::string::npos) << m;
}

TEST(ModelFile, NonFiniteWeightsAreAModelError) {
  test::TempDir dir;
  for (const float bad : {std::nanf(""), std::numeric_limits<float>::infinity()}) {
    SafetensorsFile file = small_model_file();
    auto& raw = file.tensors.at("conv1.weight");
    std::memcpy(raw.bytes.data() + 4 * 5, &bad, 4);
    const auto m = load_error(dir, "nonfinite.safetensors", file);
    EXPECT_NE(m.find("conv1.weight"), std::string::npos) << m;
    EXPECT_NE(m.find("NaN or infinite"), std::string::npos) << m;
  }
  SafetensorsFile file = small_model_file();
  const float negative = -1;
  std::memcpy(file.tensors.at("bn0.running_var").bytes.data(), &negative, 4);
  EXPECT_NE(load_error(dir, "negvar.safetensors", file).find("bn0.running_var"), std::string::npos);
}

// Bytes of another dtype are other numbers: an I32 tensor where F32 is expected was converted
// value by value before, and loaded.
TEST(ModelFile, TensorDtypeMustBeTheExpectedOne) {
  test::TempDir dir;
  SafetensorsFile file = small_model_file();
  file.tensors.at("conv0.bias").dtype = "I32";
  auto m = load_error(dir, "i32.safetensors", file);
  EXPECT_NE(m.find("conv0.bias' is I32, expected F32"), std::string::npos) << m;
  file = small_model_file();
  auto& steps = file.tensors.at("bn0.num_batches_tracked");
  steps = RawTensor{"F64", {}, std::string(8, '\0')};
  m = load_error(dir, "f64.safetensors", file);
  EXPECT_NE(m.find("is F64, expected I64"), std::string::npos) << m;
}

// One check for every caller that reads a model's outputs as the 7 emotions (detect and eval).
TEST(ModelSpec, EmotionColumnsNeedEachOfTheSevenEmotionsOnce) {
  const std::vector<std::string> reversed = {"neutral", "surprise", "sad",  "happy",
                                             "fear",    "disgust",  "angry"};
  const auto c = emotion_columns(reversed, "r.safetensors");
  for (int e = 0; e < kEmotionCount; ++e) EXPECT_EQ(c[e], kEmotionCount - 1 - e);
  EXPECT_EQ(emotion_columns(small_spec().classes, "m")[3], 3);
  const auto message = [](const std::vector<std::string>& classes) {
    try {
      emotion_columns(classes, "x.safetensors");
    } catch (const ModelError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message({"a", "b", "c", "d", "e", "f", "g"}).find("class 'a'"), std::string::npos);
  EXPECT_NE(
      message({"angry", "angry", "fear", "happy", "sad", "surprise", "neutral"}).find("both angry"),
      std::string::npos);
  EXPECT_NE(
      message({"angry", "anger", "fear", "happy", "sad", "surprise", "neutral"}).find("both angry"),
      std::string::npos);
  EXPECT_NE(message({"angry", "fear"}).find("2 classes"), std::string::npos);
}

}  // namespace emomusic::nn
