// The model the project ships: it loads, its metadata is complete, and, when FER2013 is in
// ../shared, its PublicTest accuracy is what models/MODEL_CARD.md claims (within 0.5 points).

#include <gtest/gtest.h>

#include <regex>

#include "emomusic/core/emotion.hpp"
#include "emomusic/data/loader.hpp"
#include "emomusic/nn/classifier.hpp"
#include "emomusic/nn/model_average.hpp"
#include "emomusic/nn/model_file.hpp"
#include "emomusic/train/evaluate.hpp"
#include "test_support.hpp"

namespace emomusic {
namespace fs = std::filesystem;
namespace {

const fs::path kModel = fs::path(EMOMUSIC_TEST_SOURCE_DIR) / "models" / "emotion.safetensors";
const fs::path kCard = fs::path(EMOMUSIC_TEST_SOURCE_DIR) / "models" / "MODEL_CARD.md";

struct CardClaim {
  std::string tta;
  double accuracy = 0;
};

// The card states its reference figure in one line meant for this test, e.g.
// "CI reference: publictest_accuracy[tta=flip] = 63.12%".
std::vector<CardClaim> card_claims() {
  const std::string card = test::read_file(kCard);
  std::vector<CardClaim> claims;
  const std::regex line(R"(publictest_accuracy\[tta=(none|flip|tencrop)\] = ([0-9.]+)%)");
  for (auto it = std::sregex_iterator(card.begin(), card.end(), line); it != std::sregex_iterator();
       ++it) {
    claims.push_back({(*it)[1].str(), std::stod((*it)[2].str()) / 100.0});
  }
  return claims;
}

}  // namespace

TEST(ShippedModel, LoadsWithCompleteMetadata) {
  ASSERT_TRUE(fs::exists(kModel)) << kModel << " is missing";
  EXPECT_LE(fs::file_size(kModel), 50u << 20) << "a shipped model must stay under 50 MB";
  const auto m = nn::load_model(kModel);
  const auto& names = emotion_names();
  EXPECT_EQ(m.spec.classes, std::vector<std::string>(names.begin(), names.end()));
  EXPECT_EQ(m.spec.input.size, 48);
  EXPECT_TRUE(m.training.contains("command")) << "the file must say how it was made";
  // The shipped model is the mean of models that `emomusic train` trained (`emomusic average`):
  // each of them must say how it was trained and what it scored.
  ASSERT_TRUE(m.training.contains(nn::kAveragedFromKey));
  const auto& from = m.training.at(nn::kAveragedFromKey);
  EXPECT_GE(from.size(), 2u);
  for (const auto& part : from) {
    const auto& t = part.at("training");
    EXPECT_NE(t.value("command", std::string()).find("emomusic train"), std::string::npos)
        << part.at("file");
    EXPECT_TRUE(t.contains("val_accuracy")) << part.at("file");
  }
  EXPECT_FALSE(card_claims().empty()) << kCard << " states no CI reference figure";
}

TEST(ShippedModel, PublicTestAccuracyMatchesTheModelCard) {
  EMOMUSIC_REQUIRE_SHARED(csv, "data/fer2013/fer2013.csv.gz");
  data::LoadOptions lo;
  lo.show_progress = false;
  const auto public_test = data::load_dataset(csv, lo).split("PublicTest");
  for (const auto& claim : card_claims()) {
    nn::ClassifierOptions co;
    co.models = {kModel};
    co.tta = nn::parse_tta(claim.tta);
    auto classifier = nn::make_classifier(co);
    const auto e = train::evaluate([&](const torch::Tensor& f) { return classifier->predict(f); },
                                   public_test, classifier->spec().classes);
    EXPECT_GE(e.metrics.accuracy, claim.accuracy - 0.005)
        << "tta " << claim.tta << ": the card claims " << 100 * claim.accuracy << "%";
    std::cout << "shipped model, PublicTest, tta " << claim.tta << ": " << 100 * e.metrics.accuracy
              << "% (card: " << 100 * claim.accuracy << "%)\n";
  }
}

}  // namespace emomusic
