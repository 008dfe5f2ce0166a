// Which model file is the default.
#include "emomusic/core/paths.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace emomusic {
namespace {

// Sets or clears EMOMUSIC_MODEL for one test and puts back what was there.
class ModelVariable {
 public:
  explicit ModelVariable(const char* value) {
    if (const char* v = std::getenv("EMOMUSIC_MODEL")) saved_ = v;
    if (value) {
      setenv("EMOMUSIC_MODEL", value, 1);
    } else {
      unsetenv("EMOMUSIC_MODEL");
    }
  }
  ~ModelVariable() {
    if (saved_) {
      setenv("EMOMUSIC_MODEL", saved_->c_str(), 1);
    } else {
      unsetenv("EMOMUSIC_MODEL");
    }
  }

 private:
  std::optional<std::string> saved_;
};

}  // namespace

TEST(DefaultModel, AChosenModelIsTheDefault) {
  ModelVariable chosen("/models/mine.safetensors");
  EXPECT_EQ(default_model_path(), "/models/mine.safetensors");
}

TEST(DefaultModel, WithoutAChoiceItIsTheOneShippedModel) {
  ModelVariable none(nullptr);
  const auto shipped = find_shipped_file("models/emotion.safetensors");
  if (!shipped) GTEST_SKIP() << "no shipped model";
  EXPECT_EQ(default_model_path(), *shipped);
}

}  // namespace emomusic
