#include "emomusic/music/mood_history.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <sstream>
#include <thread>

#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/music/catalog.hpp"
#include "emomusic/music/history_format.hpp"
#include "emomusic/music/mood_timeline.hpp"
#include "music_fixtures.hpp"
#include "test_support.hpp"

namespace emomusic::music {
namespace {

using emomusic::test::TempDir;

// 2024-06-10 00:00:00 UTC: a fixed "today", so that day boundaries are known.
constexpr std::int64_t kDay0 = 1717977600;
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDaySeconds = 86400;

MoodEntry mood(std::int64_t time, Emotion e, double confidence, std::string source = "camera 0") {
  return {time, e, confidence, std::move(source)};
}

// Runs SQL on a file with a separate connection, as another program would.
void sql(const std::filesystem::path& db, const std::string& statement) {
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(handle, statement.c_str(), nullptr, nullptr, &error);
  const std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(handle);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

int table_count(const std::filesystem::path& db) {
  sqlite3* handle = nullptr;
  EXPECT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(handle, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'", -1, &s,
                     nullptr);
  sqlite3_step(s);
  const int n = sqlite3_column_int(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(handle);
  return n;
}

TEST(UtcTime, FormatsDatesAndTimestamps) {
  EXPECT_EQ(utc_date(0), "1970-01-01");
  EXPECT_EQ(utc_date(kDay0), "2024-06-10");
  EXPECT_EQ(utc_date(kDay0 - 1), "2024-06-09");
  EXPECT_EQ(utc_timestamp(kDay0 + 6 * kHour + 13 * 60 + 20), "2024-06-10T06:13:20Z");
  EXPECT_EQ(utc_date(951782400), "2000-02-29");  // a leap day in a century year
  EXPECT_EQ(utc_date(-1), "1969-12-31");
}

TEST(MoodHistory, RecordsAndListsNewestFirstWithinBounds) {
  TempDir dir;
  MoodHistory history(dir / "history.db");
  history.record(mood(kDay0 + 1 * kHour, Emotion::kSad, 0.6, "photo.jpg"));
  history.record(mood(kDay0 + 3 * kHour, Emotion::kHappy, 0.9));
  history.record(mood(kDay0 + 2 * kHour, Emotion::kNeutral, 0.4, "page"));

  const auto all = history.entries();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].emotion, Emotion::kHappy);
  EXPECT_EQ(all[1].emotion, Emotion::kNeutral);
  EXPECT_EQ(all[1].source, "page");
  EXPECT_EQ(all[2].emotion, Emotion::kSad);
  EXPECT_EQ(all[2].source, "photo.jpg");
  EXPECT_DOUBLE_EQ(all[2].confidence, 0.6);
  EXPECT_EQ(all[2].time, kDay0 + kHour);

  // since is inclusive, until exclusive.
  const auto some = history.entries(kDay0 + 2 * kHour, kDay0 + 3 * kHour);
  ASSERT_EQ(some.size(), 1u);
  EXPECT_EQ(some[0].emotion, Emotion::kNeutral);

  // The file keeps them: a second connection sees the same.
  EXPECT_EQ(MoodHistory(dir / "history.db", MoodHistory::Mode::kReadOnly).entries().size(), 3u);
}

TEST(MoodHistory, RefusesBadEntries) {
  TempDir dir;
  MoodHistory history(dir / "history.db");
  EXPECT_THROW(history.record(mood(kDay0, Emotion::kHappy, 1.5)), InputError);
  EXPECT_THROW(history.record(mood(kDay0, Emotion::kHappy, -0.1)), InputError);
  EXPECT_THROW(history.record(mood(kDay0, Emotion::kHappy, std::nan(""))), InputError);
  EXPECT_THROW(history.record(mood(-5, Emotion::kHappy, 0.5)), InputError);
  EXPECT_THROW(history.record(mood(kDay0, Emotion::kHappy, 0.5, "two\nlines")), InputError);
  EXPECT_THROW(history.record(mood(kDay0, Emotion::kHappy, 0.5, std::string(300, 'x'))),
               InputError);
  try {
    history.record(mood(kDay0, Emotion::kHappy, 1.5));
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("confidence 1.5"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(history.entries().empty());
  history.record(mood(kDay0, Emotion::kHappy, 1.0, ""));  // the edges are fine
  history.record(mood(kDay0, Emotion::kHappy, 0.0, std::string(kMaxSourceBytes, 'x')));
  EXPECT_EQ(history.entries().size(), 2u);
}

TEST(MoodHistory, SummarisesEachUtcDay) {
  TempDir dir;
  MoodHistory history(dir / "history.db");
  const std::int64_t today = kDay0 + 2 * kDaySeconds;
  // Two days ago: happy twice, sad once.
  history.record(mood(kDay0 + 1, Emotion::kHappy, 0.8));
  history.record(mood(kDay0 + 10 * kHour, Emotion::kHappy, 0.6));
  history.record(mood(kDay0 + kDaySeconds - 1, Emotion::kSad, 1.0));
  // Yesterday: nothing. Today: a tie between fear and angry, fear surer.
  history.record(mood(today + kHour, Emotion::kAngry, 0.2));
  history.record(mood(today + 2 * kHour, Emotion::kFear, 0.9));
  // Outside the three days asked for.
  history.record(mood(kDay0 - 1, Emotion::kNeutral, 0.5));

  const auto days = history.daily_summary(3, today + 12 * kHour);
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0].date, "2024-06-10");
  EXPECT_EQ(days[0].day_start, kDay0);
  EXPECT_EQ(days[0].total, 3);
  EXPECT_EQ(days[0].counts[static_cast<std::size_t>(to_index(Emotion::kHappy))], 2);
  EXPECT_EQ(days[0].counts[static_cast<std::size_t>(to_index(Emotion::kSad))], 1);
  EXPECT_EQ(days[0].counts[static_cast<std::size_t>(to_index(Emotion::kNeutral))], 0);
  EXPECT_EQ(days[0].dominant, Emotion::kHappy);
  EXPECT_NEAR(days[0].mean_confidence, 0.8, 1e-12);

  EXPECT_EQ(days[1].date, "2024-06-11");
  EXPECT_EQ(days[1].total, 0);
  EXPECT_FALSE(days[1].dominant.has_value());
  EXPECT_EQ(days[1].mean_confidence, 0.0);

  EXPECT_EQ(days[2].date, "2024-06-12");
  EXPECT_EQ(days[2].total, 2);
  EXPECT_EQ(days[2].dominant, Emotion::kFear);  // a tie in count: the surer one
  EXPECT_NEAR(days[2].mean_confidence, 0.55, 1e-12);

  const HistoryReport report = history.report(3, today + 12 * kHour);
  EXPECT_EQ(report.entries.size(), 5u);  // the one before the window is left out
  EXPECT_EQ(report.entries.front().emotion, Emotion::kFear);

  EXPECT_THROW(history.daily_summary(0, today), UsageError);
  EXPECT_THROW(history.daily_summary(kMaxHistoryDays + 1, today), UsageError);
}

TEST(MoodHistory, JsonFormIsPublicAndStable) {
  HistoryReport report;
  report.entries = {mood(kDay0 + 6 * kHour + 13 * 60 + 20, Emotion::kHappy, 0.75, "camera 0")};
  report.days = summarise_days(report.entries, 2, kDay0 + kHour);

  const auto parsed = nlohmann::json::parse(dump_json(report.to_json()));
  ASSERT_EQ(parsed["entries"].size(), 1u);
  const auto& e = parsed["entries"][0];
  EXPECT_EQ(e["time"], kDay0 + 6 * kHour + 13 * 60 + 20);
  EXPECT_EQ(e["utc"], "2024-06-10T06:13:20Z");
  EXPECT_EQ(e["emotion"], "happy");
  EXPECT_DOUBLE_EQ(e["confidence"].get<double>(), 0.75);
  EXPECT_EQ(e["source"], "camera 0");

  ASSERT_EQ(parsed["days"].size(), 2u);
  EXPECT_EQ(parsed["days"][0]["date"], "2024-06-09");
  EXPECT_TRUE(parsed["days"][0]["dominant"].is_null());
  EXPECT_EQ(parsed["days"][1]["date"], "2024-06-10");
  EXPECT_EQ(parsed["days"][1]["dominant"], "happy");
  EXPECT_EQ(parsed["days"][1]["total"], 1);
  EXPECT_EQ(parsed["days"][1]["counts"]["happy"], 1);
  EXPECT_EQ(parsed["days"][1]["counts"]["sad"], 0);
  EXPECT_EQ(parsed["days"][1]["counts"].size(), 7u);

  // A label from another writer with broken UTF-8 still gives valid JSON.
  report.entries[0].source = "caf\xe9";
  EXPECT_NO_THROW(nlohmann::json::parse(dump_json(report.to_json())));
}

TEST(MoodHistory, WritesTableAndCsv) {
  HistoryReport report;
  report.entries = {mood(kDay0 + kHour, Emotion::kSad, 0.5, "a, \"quoted\" label")};
  report.days = summarise_days(report.entries, 1, kDay0);
  std::ostringstream csv;
  write_history(csv, report, HistoryFormat::kCsv);
  EXPECT_EQ(csv.str(),
            "utc,time,emotion,confidence,source\n"
            "2024-06-10T01:00:00Z,1717981200,sad,0.5,\"a, \"\"quoted\"\" label\"\n");
  std::ostringstream table;
  write_history(table, report, HistoryFormat::kTable);
  EXPECT_NE(table.str().find("2024-06-10T01:00:00Z  sad"), std::string::npos) << table.str();
  EXPECT_NE(table.str().find("2024-06-10      1  sad"), std::string::npos) << table.str();

  for (const auto& name : history_format_names()) {
    EXPECT_NO_THROW(history_format_from_string(name));
  }
  EXPECT_THROW(history_format_from_string("xml"), UsageError);
}

TEST(MoodHistory, ClearRemovesMoodsAndFeedback) {
  TempDir dir;
  MoodHistory history(dir / "history.db");
  history.record(mood(kDay0, Emotion::kHappy, 0.5));
  history.record(mood(kDay0 + 1, Emotion::kSad, 0.5));
  history.record_feedback({test::make_id(1), {"A"}, Emotion::kSad, FeedbackKind::kSkip, kDay0});
  const ClearedCounts cleared = history.clear();
  EXPECT_EQ(cleared.moods, 2);
  EXPECT_EQ(cleared.feedback, 1);
  EXPECT_TRUE(history.entries().empty());
  EXPECT_TRUE(history.feedback(Emotion::kSad).empty());
  // Still a history afterwards.
  history.record(mood(kDay0, Emotion::kHappy, 0.5));
  EXPECT_EQ(history.entries().size(), 1u);
}

TEST(MoodHistory, InMemoryHistoriesAreSeparateAndWriteNoFile) {
  TempDir dir;
  const auto before = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  {
    MoodHistory a(MoodHistory::InMemory{});
    MoodHistory b(MoodHistory::InMemory{});
    EXPECT_TRUE(a.in_memory());
    a.record(mood(kDay0, Emotion::kHappy, 0.5));
    a.record_feedback({test::make_id(1), {}, Emotion::kSad, FeedbackKind::kSkip, kDay0});
    EXPECT_EQ(a.entries().size(), 1u);
    EXPECT_EQ(a.feedback(Emotion::kSad).skipped_tracks.count(test::make_id(1)), 1u);
    EXPECT_TRUE(b.entries().empty());
  }
  std::filesystem::current_path(before);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

// SQLite reads the name ":memory:" as "no file"; a user's file of that name is still a file.
TEST(MoodHistory, AFileNamedLikeSqlitesMemoryNameIsAFile) {
  TempDir dir;
  const auto before = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  {
    MoodHistory history(":memory:");
    EXPECT_FALSE(history.in_memory());
    history.record(mood(kDay0, Emotion::kHappy, 0.5));
  }
  std::filesystem::current_path(before);
  EXPECT_TRUE(std::filesystem::is_regular_file(dir / ":memory:"));
  EXPECT_EQ(MoodHistory(dir / ":memory:").entries().size(), 1u);
}

TEST(MoodHistory, ClearingAMissingHistoryCreatesNothing) {
  TempDir dir;
  const ClearedCounts cleared = clear_history(dir / "history.db");
  EXPECT_EQ(cleared.moods, 0);
  EXPECT_FALSE(std::filesystem::exists(dir / "history.db"));
  {
    MoodHistory history(dir / "history.db");
    history.record(mood(kDay0, Emotion::kHappy, 0.5));
  }
  EXPECT_EQ(to_json(clear_history(dir / "history.db")),
            (nlohmann::json{{"moods", 1}, {"feedback", 0}}));
}

TEST(MoodHistory, RefusesFilesThatAreNotAHistory) {
  TempDir dir;
  // Another program's database: refused, and given no table.
  sql(dir / "other.db", "CREATE TABLE people (name TEXT)");
  EXPECT_THROW(MoodHistory(dir / "other.db"), InputError);
  EXPECT_EQ(table_count(dir / "other.db"), 1);
  // An emomusic catalog is not a history either.
  { Catalog catalog(dir / "catalog.db", Catalog::Mode::kReadWrite); }
  try {
    MoodHistory history(dir / "catalog.db");
    FAIL() << "a catalog was opened as a history";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not an emomusic mood history"), std::string::npos)
        << e.what();
  }
  // Not SQLite at all.
  emomusic::test::write_file(dir / "text.db", "plain text, long enough to be a page header....");
  EXPECT_THROW(MoodHistory(dir / "text.db"), InputError);
  // A newer schema than this build reads.
  { MoodHistory newer(dir / "newer.db"); }
  sql(dir / "newer.db", "PRAGMA user_version = 99");
  EXPECT_THROW(MoodHistory(dir / "newer.db"), InputError);
  // Read-only needs the file.
  EXPECT_THROW(MoodHistory(dir / "missing.db", MoodHistory::Mode::kReadOnly), InputError);
  EXPECT_FALSE(std::filesystem::exists(dir / "missing.db"));
}

TEST(MoodHistory, ReadersNeverCreateTheFile) {
  TempDir dir;
  const auto path = dir / "sub" / "history.db";
  EXPECT_TRUE(read_feedback(path, Emotion::kSad).empty());
  const HistoryReport report = read_history(path, 3, kDay0);
  EXPECT_TRUE(report.entries.empty());
  EXPECT_EQ(report.days.size(), 3u);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(dir / "sub"));
  EXPECT_THROW(read_history(path, 0, kDay0), UsageError);
}

TEST(MoodHistory, ConcurrentWritersAllLand) {
  TempDir dir;
  const auto path = dir / "history.db";
  constexpr int kPerThread = 150;
  // Each thread opens its own connection, as two processes would, and both race to create the
  // schema of a file that does not exist yet.
  auto writer = [&](Emotion e, std::exception_ptr& error) {
    try {
      MoodHistory history(path);
      for (int i = 0; i < kPerThread; ++i) {
        history.record(mood(kDay0 + i, e, 0.5, "thread"));
        if (i % 50 == 0) {
          history.record_feedback({test::make_id(i), {"Artist"}, e, FeedbackKind::kLike, kDay0});
        }
      }
    } catch (...) {
      error = std::current_exception();
    }
  };
  std::exception_ptr error_a, error_b;
  std::thread a(writer, Emotion::kHappy, std::ref(error_a));
  std::thread b(writer, Emotion::kSad, std::ref(error_b));
  a.join();
  b.join();
  for (const auto& error : {error_a, error_b}) {
    if (!error) continue;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      FAIL() << "a writer failed: " << e.what();
    }
  }
  MoodHistory history(path, MoodHistory::Mode::kReadOnly);
  const auto all = history.entries();
  EXPECT_EQ(all.size(), 2u * kPerThread);
  EXPECT_EQ(std::count_if(all.begin(), all.end(),
                          [](const MoodEntry& m) { return m.emotion == Emotion::kSad; }),
            kPerThread);
  EXPECT_EQ(history.feedback(Emotion::kHappy).liked_tracks.size(), 3u);
  EXPECT_EQ(history.feedback(Emotion::kSad).liked_tracks.size(), 3u);
}

TEST(MoodHistory, OneObjectIsSafeAcrossThreads) {
  TempDir dir;
  MoodHistory history(dir / "history.db");
  auto writer = [&](Emotion e) {
    for (int i = 0; i < 100; ++i) history.record(mood(kDay0 + i, e, 0.5));
  };
  std::thread a(writer, Emotion::kHappy);
  std::thread b(writer, Emotion::kFear);
  a.join();
  b.join();
  EXPECT_EQ(history.entries().size(), 200u);
}

TEST(Feedback, KeepsLikesAndSkipsPerEmotion) {
  TempDir dir;
  MoodHistory history(dir / "history.db");
  const std::string liked = test::make_id(1), skipped = test::make_id(2);
  history.record_feedback({liked, {"Liked Band"}, Emotion::kSad, FeedbackKind::kLike, kDay0});
  history.record_feedback({"spotify:track:" + skipped,
                           {"Skipped Band", " Guest "},
                           Emotion::kSad,
                           FeedbackKind::kSkip,
                           kDay0 + 1});
  history.record_feedback({test::make_id(3), {}, Emotion::kHappy, FeedbackKind::kSkip, kDay0});

  const Feedback sad = history.feedback(Emotion::kSad);
  EXPECT_EQ(sad.liked_tracks, std::set<std::string>{liked});
  EXPECT_EQ(sad.skipped_tracks, std::set<std::string>{skipped});  // the URI was reduced to its id
  EXPECT_EQ(sad.liked_artists, std::set<std::string>{"liked band"});
  EXPECT_EQ(sad.skipped_artists, (std::set<std::string>{"guest", "skipped band"}));

  const Feedback happy = history.feedback(Emotion::kHappy);
  EXPECT_EQ(happy.skipped_tracks, std::set<std::string>{test::make_id(3)});
  EXPECT_TRUE(happy.liked_tracks.empty());
  EXPECT_TRUE(history.feedback(Emotion::kAngry).empty());
}

TEST(Feedback, TheLatestWordCounts) {
  TempDir dir;
  MoodHistory history(dir / "history.db");
  const std::string id = test::make_id(7);
  history.record_feedback({id, {"Band"}, Emotion::kSad, FeedbackKind::kSkip, kDay0 + 10});
  history.record_feedback({id, {"BAND"}, Emotion::kSad, FeedbackKind::kLike, kDay0 + 20});
  Feedback f = history.feedback(Emotion::kSad);
  EXPECT_EQ(f.liked_tracks, std::set<std::string>{id});
  EXPECT_TRUE(f.skipped_tracks.empty());
  EXPECT_EQ(f.liked_artists, std::set<std::string>{"band"});  // case-insensitive: one artist
  EXPECT_TRUE(f.skipped_artists.empty());
  // Recorded later but dated earlier: time decides, not the order of arrival.
  history.record_feedback({id, {"Band"}, Emotion::kSad, FeedbackKind::kSkip, kDay0 + 15});
  f = history.feedback(Emotion::kSad);
  EXPECT_EQ(f.liked_tracks, std::set<std::string>{id});
}

TEST(Feedback, RefusesBadInput) {
  TempDir dir;
  MoodHistory history(dir / "history.db");
  EXPECT_THROW(history.record_feedback({"not-an-id", {}, Emotion::kSad, FeedbackKind::kLike, 0}),
               InputError);
  EXPECT_THROW(history.record_feedback(
                   {test::make_id(1), {"bad\x01name"}, Emotion::kSad, FeedbackKind::kLike, 0}),
               InputError);
  EXPECT_THROW(
      history.record_feedback({test::make_id(1), {}, Emotion::kSad, FeedbackKind::kLike, -1}),
      InputError);
  // A track has a few artists: a list past the limit is refused, naming the field.
  std::vector<std::string> many(kMaxFeedbackArtists + 1, "someone");
  try {
    history.record_feedback({test::make_id(1), many, Emotion::kSad, FeedbackKind::kLike, 0});
    ADD_FAILURE() << kMaxFeedbackArtists + 1 << " artists were stored";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("artists"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(history.feedback(Emotion::kSad).empty());
  many.pop_back();
  history.record_feedback({test::make_id(2), many, Emotion::kHappy, FeedbackKind::kLike, 0});
  EXPECT_EQ(history.feedback(Emotion::kHappy).liked_artists, std::set<std::string>{"someone"});
  // Blank names (from "A;;B" or a trailing ';') are dropped, not refused.
  history.record_feedback(
      {test::make_id(1), {"A", " ", ""}, Emotion::kSad, FeedbackKind::kLike, 0});
  EXPECT_EQ(history.feedback(Emotion::kSad).liked_artists, std::set<std::string>{"a"});

  EXPECT_EQ(feedback_kind_from_string("skip"), FeedbackKind::kSkip);
  EXPECT_THROW(feedback_kind_from_string("love"), UsageError);
  for (const auto& name : feedback_kind_names()) {
    EXPECT_EQ(to_string(feedback_kind_from_string(name)), name);
  }
}

TEST(MoodTimeline, DrawsEachMoodInItsColour) {
  HistoryReport empty;
  empty.days = summarise_days({}, 3, kDay0);
  HistoryReport one = empty;
  one.entries = {mood(kDay0 + 12 * kHour, Emotion::kHappy, 1.0)};
  one.days = summarise_days(one.entries, 3, kDay0);

  auto count = [](const plot::Canvas& c, plot::Rgb color) {
    int n = 0;
    for (int y = 0; y < c.height(); ++y) {
      for (int x = 0; x < c.width(); ++x) n += c.pixel(x, y) == color ? 1 : 0;
    }
    return n;
  };
  const plot::Canvas before = render_mood_timeline(empty);
  const plot::Canvas after = render_mood_timeline(one);
  const plot::Rgb happy = emotion_color(Emotion::kHappy);
  // The legend has a happy swatch either way; the mark and the day's share bar add to it.
  EXPECT_GT(count(after, happy), count(before, happy) + 100);
  EXPECT_EQ(count(after, emotion_color(Emotion::kSad)),
            count(before, emotion_color(Emotion::kSad)));

  EXPECT_THROW(render_mood_timeline(HistoryReport{}), UsageError);

  TempDir dir;
  plot_mood_timeline(one, dir / "timeline.png");
  const std::string png = emomusic::test::read_file(dir / "timeline.png");
  ASSERT_GE(png.size(), 8u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

TEST(MoodTimeline, ColoursAreDistinct) {
  std::set<std::tuple<int, int, int>> seen;
  for (int k = 0; k < kEmotionCount; ++k) {
    const plot::Rgb c = emotion_color(emotion_from_index(k));
    seen.insert({c.r, c.g, c.b});
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kEmotionCount));
}

}  // namespace
}  // namespace emomusic::music
