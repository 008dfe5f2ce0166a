#include "emomusic/core/safetensors.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "emomusic/core/error.hpp"
#include "test_support.hpp"

namespace emomusic {
namespace {

SafetensorsFile sample() {
  SafetensorsFile f;
  f.metadata["arch"] = "vgg";
  f.metadata["classes"] = R"(["angry","happy"])";
  RawTensor w{"F32", {2, 3}, std::string(24, '\0')};
  for (int i = 0; i < 6; ++i) {
    const float v = 0.5f * static_cast<float>(i) - 1.0f;
    std::memcpy(&w.bytes[static_cast<size_t>(i) * 4], &v, 4);
  }
  f.tensors["layer.weight"] = w;
  f.tensors["labels"] = RawTensor{"U8", {5}, std::string("\x00\x01\x02\x03\x06", 5)};
  f.tensors["empty"] = RawTensor{"I64", {0}, ""};
  return f;
}

std::string header_of(const std::string& bytes) {
  std::uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  return bytes.substr(8, n);
}

}  // namespace

TEST(Safetensors, RoundTripsExactly) {
  test::TempDir dir;
  const auto f = sample();
  save_safetensors(dir / "m.safetensors", f);
  const auto g = load_safetensors(dir / "m.safetensors");
  EXPECT_EQ(g.metadata, f.metadata);
  ASSERT_EQ(g.tensors.size(), f.tensors.size());
  for (const auto& [name, t] : f.tensors) {
    const auto& u = g.tensors.at(name);
    EXPECT_EQ(u.dtype, t.dtype) << name;
    EXPECT_EQ(u.shape, t.shape) << name;
    EXPECT_EQ(u.bytes, t.bytes) << name;
  }
  // Re-encoding the loaded file gives the same bytes: nothing is lost or reordered.
  EXPECT_EQ(encode_safetensors(g), test::read_file(dir / "m.safetensors"));
  EXPECT_EQ(load_safetensors_metadata(dir / "m.safetensors"), f.metadata);
}

TEST(Safetensors, FollowsTheReferenceLayout) {
  const std::string bytes = encode_safetensors(sample());
  std::uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);  // little-endian on every platform we build for
  EXPECT_EQ(n % 8, 0u) << "header is padded so tensor data is 8-byte aligned";
  const std::string header = header_of(bytes);
  EXPECT_NE(header.find(R"("__metadata__":{"arch":"vgg")"), std::string::npos) << header;
  EXPECT_NE(header.find(R"("layer.weight":{"data_offsets":[)"), std::string::npos) << header;
  EXPECT_EQ(bytes.size(), 8 + n + 24 + 5 + 0);
}

TEST(Safetensors, SniffingTellsItFromCsvAndGzip) {
  test::TempDir dir;
  const std::string bytes = encode_safetensors(sample());
  test::write_file(dir / "m.safetensors", bytes);
  EXPECT_TRUE(looks_like_safetensors(dir / "m.safetensors"));
  test::write_file(dir / "f.csv", "emotion,pixels,Usage\n0,1 2 3,Training\n");
  EXPECT_FALSE(looks_like_safetensors(dir / "f.csv"));
  test::write_file(dir / "f.gz", std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10));
  EXPECT_FALSE(looks_like_safetensors(dir / "f.gz"));
  // A header that claims more bytes than the file has is not taken for one.
  test::write_file(dir / "cut.safetensors", bytes.substr(0, 20));
  EXPECT_FALSE(looks_like_safetensors(dir / "cut.safetensors"));
  EXPECT_FALSE(looks_like_safetensors(dir / "missing.safetensors"));
}

TEST(Safetensors, TruncatedFileIsAClearModelError) {
  test::TempDir dir;
  const std::string bytes = encode_safetensors(sample());
  for (size_t cut : {size_t{0}, size_t{5}, size_t{20}, bytes.size() - 1}) {
    test::write_file(dir / "t.safetensors", bytes.substr(0, cut));
    try {
      load_safetensors(dir / "t.safetensors");
      FAIL() << "cut at " << cut << " was accepted";
    } catch (const ModelError& e) {
      EXPECT_NE(std::string(e.what()).find("t.safetensors"), std::string::npos) << e.what();
      EXPECT_EQ(e.kind(), ErrorKind::kBadModel);
    }
  }
}

TEST(Safetensors, CorruptedHeaderOrOffsetsAreRejected) {
  std::string bytes = encode_safetensors(sample());
  std::string bad_json = bytes;
  bad_json[9] = '!';
  EXPECT_THROW(decode_safetensors(bad_json, "x"), ModelError);

  std::string huge = bytes;
  huge[7] = '\x7f';
  EXPECT_THROW(decode_safetensors(huge, "x"), ModelError);

  std::string stray = bytes + "junk";
  EXPECT_THROW(decode_safetensors(stray, "x"), ModelError);
}

TEST(Safetensors, RejectsAShapeThatDoesNotMatchItsBytes) {
  SafetensorsFile f;
  f.tensors["w"] = RawTensor{"F32", {3}, std::string(8, '\0')};
  EXPECT_THROW(encode_safetensors(f), std::invalid_argument);
}

TEST(Safetensors, MissingFileNamesIt) {
  try {
    load_safetensors("/nonexistent/model.safetensors");
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/model.safetensors"), std::string::npos);
  }
}

}  // namespace emomusic
