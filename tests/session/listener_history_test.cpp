// The listener's history as front ends use it: nothing made until written, another program's
// lock never loses a settled mood, and in memory nothing touches the disk.
#include "emomusic/session/listener_history.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "emomusic/core/error.hpp"
#include "emomusic/session/mood_record.hpp"
#include "test_support.hpp"

namespace emomusic::session {
namespace {

namespace fs = std::filesystem;
using emomusic::test::TempDir;

TEST(ListenerHistory, MakesNoFileUntilTheFirstWrite) {
  TempDir dir;
  ListenerHistory history(dir / "history.db");
  EXPECT_TRUE(history.kept_on_disk());
  EXPECT_TRUE(history.feedback(Emotion::kSad).empty());
  EXPECT_TRUE(history.report(7).entries.empty());
  EXPECT_EQ(history.clear().moods, 0);
  EXPECT_FALSE(fs::exists(dir / "history.db"));
  history.record_mood(settled_mood_entry(Emotion::kHappy, 0.8, "page"));
  EXPECT_TRUE(fs::exists(dir / "history.db"));
  EXPECT_EQ(history.report(7).entries.size(), 1u);
}

TEST(ListenerHistory, AFileThatIsNotAHistoryFailsAtOnce) {
  TempDir dir;
  const fs::path other = dir / "other.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(other.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE people (name TEXT)", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_THROW(ListenerHistory{other}, InputError);
}

// A mood that settles while another program holds the file locked (longer than SQLite's wait)
// is kept, and written, in order, once the lock is gone.
TEST(ListenerHistory, KeepsMoodsWhileTheFileIsLockedAndWritesThemAfter) {
  TempDir dir;
  const fs::path file = dir / "history.db";
  ListenerHistory history(file);
  history.record_mood(settled_mood_entry(Emotion::kSad, 0.7, "first"));

  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  history.record_mood(settled_mood_entry(Emotion::kHappy, 0.9, "second"));
  EXPECT_EQ(history.pending_moods(), 1u);
  ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);

  const auto entries = history.report(1).entries;  // writes the kept mood first
  EXPECT_EQ(history.pending_moods(), 0u);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].source, "second");  // newest first
  EXPECT_EQ(entries[1].source, "first");
}

TEST(ListenerHistory, InMemoryKeepsEverythingAndWritesNothing) {
  TempDir dir;
  const auto before = fs::current_path();
  fs::current_path(dir.path());
  {
    ListenerHistory history(music::MoodHistory::InMemory{});
    EXPECT_FALSE(history.kept_on_disk());
    history.record_mood(settled_mood_entry(Emotion::kFear, 0.6, "page"));
    history.record_feedback({"4uLU6hMCjMI75M1A2tKUQC",
                             {"Artist"},
                             Emotion::kFear,
                             music::FeedbackKind::kLike,
                             music::utc_now()});
    EXPECT_EQ(history.report(1).entries.size(), 1u);
    EXPECT_EQ(history.feedback(Emotion::kFear).liked_tracks.size(), 1u);
    const auto cleared = history.clear();
    EXPECT_EQ(cleared.moods, 1);
    EXPECT_EQ(cleared.feedback, 1);
  }
  fs::current_path(before);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

}  // namespace
}  // namespace emomusic::session
