// How well audio features alone find the hand-labelled moods of data_moods.csv: of the top 20 for
// happy, the share labelled Happy; of the top 20 for sad (mood-congruent), the share labelled Sad.
// Needs ../shared; skips without it.

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

#include "emomusic/music/catalog.hpp"
#include "emomusic/music/catalog_import.hpp"
#include "emomusic/music/csv_reader.hpp"
#include "emomusic/music/mood_mapping.hpp"
#include "emomusic/music/ranking.hpp"
#include "test_support.hpp"

namespace emomusic::music {
namespace {

namespace fs = std::filesystem;

std::map<std::string, std::string> hand_moods(const fs::path& csv) {
  std::ifstream in(csv);
  CsvReader reader(in, csv.string());
  std::vector<std::string> record;
  reader.next(record);
  const auto id_col = std::find(record.begin(), record.end(), "id") - record.begin();
  const auto mood_col = std::find(record.begin(), record.end(), "mood") - record.begin();
  std::map<std::string, std::string> moods;
  while (reader.next(record)) {
    moods[record[static_cast<std::size_t>(id_col)]] = record[static_cast<std::size_t>(mood_col)];
  }
  return moods;
}

TEST(DataMoodsEvaluation, TopTwentyMatchTheHandGivenMood) {
  EMOMUSIC_REQUIRE_SHARED(csv, "data/music/data_moods.csv");
  emomusic::test::TempDir dir;
  const fs::path db = dir / "catalog.db";
  import_csv_files(db, {csv}, {});
  const auto tracks = Catalog(db, Catalog::Mode::kReadOnly).all_tracks();
  const auto moods = hand_moods(csv);
  const MoodMapping mapping =
      MoodMapping::load(fs::path(EMOMUSIC_TEST_SOURCE_DIR) / "data" / "emotion_music.json");

  auto share = [&](Emotion emotion, const std::string& label) {
    RankOptions options;  // the defaults `recommend` uses, with a fixed seed
    options.seed = 1;
    const auto plan = plan_playlist(mapping, emotion, Strategy::kMatch, "", 4);
    const auto top = recommend(tracks, plan.waypoints, mapping.weights(), {}, options);
    int hits = 0;
    for (const auto& r : top) hits += moods.at(r.track.id) == label;
    return static_cast<double>(hits) / static_cast<double>(top.size());
  };
  const double happy = share(Emotion::kHappy, "Happy");
  const double sad = share(Emotion::kSad, "Sad");
  std::printf("data_moods.csv top 20: happy→Happy %.0f%%, sad→Sad %.0f%% (base rates 20%%, 29%%)\n",
              100 * happy, 100 * sad);
  // Well above the base rates of 140/686 Happy and 197/686 Sad.
  EXPECT_GE(happy, 0.5);
  EXPECT_GE(sad, 0.5);
}

}  // namespace
}  // namespace emomusic::music
