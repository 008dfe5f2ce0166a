#include "emomusic/music/candidates.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

#include "emomusic/core/error.hpp"
#include "emomusic/music/catalog.hpp"
#include "emomusic/music/catalog_import.hpp"
#include "emomusic/music/csv_reader.hpp"
#include "emomusic/music/ranking.hpp"
#include "music_fixtures.hpp"
#include "test_support.hpp"

namespace emomusic::music {
namespace {

namespace fs = std::filesystem;
using emomusic::test::TempDir;
using emomusic::test::write_file;

const fs::path kStarter = fs::path(EMOMUSIC_TEST_SOURCE_DIR) / "data" / "starter_catalog.json";

// Points $XDG_DATA_HOME at a scratch folder for one test.
class ScratchDataHome {
 public:
  ScratchDataHome() {
    if (const char* old = std::getenv("XDG_DATA_HOME")) old_ = old;
    ::setenv("XDG_DATA_HOME", dir_.path().c_str(), 1);
  }
  ~ScratchDataHome() {
    old_ ? ::setenv("XDG_DATA_HOME", old_->c_str(), 1) : ::unsetenv("XDG_DATA_HOME");
  }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  std::optional<std::string> old_;
};

TEST(StarterCatalog, IsWellFormedAndLargeEnough) {
  const auto tracks = load_starter_catalog(kStarter);
  EXPECT_GE(tracks.size(), 60u);
  std::set<std::string> ids;
  for (const auto& t : tracks) {
    EXPECT_TRUE(ids.insert(t.id).second) << "duplicate id " << t.id;
    EXPECT_TRUE(known(t.danceability) && known(t.acousticness)) << t.name;
    EXPECT_GT(t.year, 1900) << t.name;
  }
}

TEST(StarterCatalog, AnswersEveryEmotionWithAFullPlaylist) {
  const auto tracks = load_starter_catalog(kStarter);
  const MoodMapping mapping =
      MoodMapping::load(fs::path(EMOMUSIC_TEST_SOURCE_DIR) / "data" / "emotion_music.json");
  RankOptions options;
  options.seed = 1;
  for (int i = 0; i < kEmotionCount; ++i) {
    const Emotion e = emotion_from_index(i);
    const auto plan = plan_playlist(mapping, e, std::nullopt, "", 4);
    EXPECT_EQ(recommend(tracks, plan.waypoints, mapping.weights(), {}, options).size(), 20u)
        << to_string(e);
  }
  auto mean_valence = [&](Emotion e) {
    const auto plan = plan_playlist(mapping, e, Strategy::kMatch, "", 4);
    double sum = 0;
    const auto playlist = recommend(tracks, plan.waypoints, mapping.weights(), {}, options);
    for (const auto& r : playlist) sum += r.track.valence;
    return sum / static_cast<double>(playlist.size());
  };
  EXPECT_GT(mean_valence(Emotion::kHappy), mean_valence(Emotion::kSad) + 0.3);
}

TEST(StarterCatalog, IdsAgreeWithTheSharedDatasetsWhereTheyOverlap) {
  std::map<std::string, std::string> titles;  // id → title in the datasets
  for (const char* name : {"data/music/data_moods.csv", "data/music/spotify_tracks_14k.csv"}) {
    const auto path = emomusic::test::shared_file(name);
    if (!path) GTEST_SKIP() << "../shared/" << name << " is not present; skipping";
    std::ifstream in(*path);
    CsvReader reader(in, path->string());
    std::vector<std::string> record;
    reader.next(record);
    const RowParser parser(detect_layout(record, path->string()), record, path->string());
    while (reader.next(record)) {
      if (auto row = parser.parse(record); row.track) titles[row.track->id] = row.track->name;
    }
  }
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  int checked = 0;
  for (const auto& t : load_starter_catalog(kStarter)) {
    auto it = titles.find(t.id);
    if (it == titles.end()) continue;
    ++checked;
    EXPECT_EQ(lower(it->second).rfind(lower(t.name), 0), 0u)
        << t.id << " is '" << it->second << "' in the dataset, '" << t.name << "' here";
  }
  std::printf("starter catalog: %d ids cross-checked against ../shared datasets\n", checked);
  EXPECT_GT(checked, 0);
}

TEST(Candidates, FallBackToTheStarterCatalogUntilSomethingIsImported) {
  ScratchDataHome home;
  Candidates c = load_candidates(std::nullopt);
  EXPECT_TRUE(c.starter);
  EXPECT_NE(c.source.find("starter"), std::string::npos);

  write_file(home.dir() / "a.csv",
             std::string(test::kMoodsHeader) + test::moods_row(test::make_id(1), "Mine", "Me"));
  import_csv_files(default_catalog_path(), {home.dir() / "a.csv"}, {});
  c = load_candidates(std::nullopt);
  EXPECT_FALSE(c.starter);
  ASSERT_EQ(c.tracks.size(), 1u);
  EXPECT_EQ(c.tracks[0].name, "Mine");
}

TEST(Candidates, AnExplicitCatalogMustExistAndHoldTracks) {
  TempDir dir;
  EXPECT_THROW(load_candidates(dir / "missing.db"), InputError);
  { Catalog empty(dir / "empty.db", Catalog::Mode::kReadWrite); }
  try {
    load_candidates(dir / "empty.db");
    FAIL() << "expected NotFoundError";
  } catch (const NotFoundError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("empty.db holds no tracks; import some"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace emomusic::music
