// Which model files are the defaults, for real-time and for offline work.
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

TEST(DefaultModels, AChosenModelIsUsedAloneForEveryUse) {
  ModelVariable chosen("/models/mine.safetensors");
  for (const auto use : {ModelUse::kRealTime, ModelUse::kOffline}) {
    const auto paths = default_model_paths(use);
    ASSERT_EQ(paths.size(), 1u);
    EXPECT_EQ(paths[0], "/models/mine.safetensors");
  }
}

TEST(DefaultModels, OfflineWorkAddsTheShippedEnsembleMember) {
  ModelVariable none(nullptr);
  if (!find_shipped_file("models/emotion.safetensors")) GTEST_SKIP() << "no shipped model";
  const auto realtime = default_model_paths(ModelUse::kRealTime);
  ASSERT_EQ(realtime.size(), 1u);
  EXPECT_EQ(realtime[0].filename(), "emotion.safetensors");
  const auto offline = default_model_paths(ModelUse::kOffline);
  const auto member = find_shipped_file(kEnsembleMemberModel);
  ASSERT_EQ(offline.size(), member ? 2u : 1u);
  EXPECT_EQ(offline[0], realtime[0]);
  if (member) EXPECT_EQ(offline[1], *member);
}

}  // namespace emomusic
