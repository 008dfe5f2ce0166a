#pragma once
/// @file
/// The listener's mood history as a front end that runs for a while (the server) or once (the
/// command line) uses it: on disk or in memory only, created on the first write, and never
/// losing a settled mood to another program's lock.
///
/// Thread safety: every method may be called from several threads at once.

#include <cstddef>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>

#include "emomusic/core/emotion.hpp"
#include "emomusic/music/mood_history.hpp"

namespace emomusic::session {

/// Settled moods kept in memory while the history file is locked by another program, written as
/// soon as it is free again; beyond this the oldest is dropped (with a warning). A mood settles
/// at most once a second per page session.
inline constexpr std::size_t kMaxPendingMoods = 256;

class ListenerHistory {
 public:
  /// The history file `path` (empty: music::default_history_path()). Nothing is created until
  /// the first write; a file that exists and is not a history (another program's database, a
  /// catalog) throws InputError now, rather than at every use later.
  explicit ListenerHistory(const std::filesystem::path& path);
  /// A history in memory only: it starts empty, nothing is written to disk, and it is gone with
  /// this object.
  explicit ListenerHistory(music::MoodHistory::InMemory);
  /// Makes a last try to write the moods kept while the file was locked, and logs how many
  /// could not be written.
  ~ListenerHistory();
  ListenerHistory(const ListenerHistory&) = delete;
  ListenerHistory& operator=(const ListenerHistory&) = delete;

  /// False for a history in memory only.
  bool kept_on_disk() const { return !path_.empty(); }
  /// The file; empty in memory.
  const std::filesystem::path& path() const { return path_; }

  /// Records a settled mood, after the ones kept before it. While another program holds the file
  /// locked, keeps it (at most kMaxPendingMoods) for a later call or the destructor. Throws what
  /// music::MoodHistory::record() throws for anything but a lock.
  void record_mood(const music::MoodEntry& entry);
  /// Writes the moods kept while the file was locked, when it is free now. One caller at a time
  /// writes them; the others return at once.
  void write_pending_moods();
  /// Moods kept, not yet written.
  std::size_t pending_moods() const;

  /// The likes and skips for `emotion`; none when the file does not exist.
  music::Feedback feedback(Emotion emotion) const;
  /// Throws what music::MoodHistory::record_feedback() throws.
  void record_feedback(const music::FeedbackEntry& entry);
  /// The `days` UTC days up to today; empty ones when the file does not exist. Writes the kept
  /// moods first, when it can, so that the report holds every mood that settled.
  music::HistoryReport report(int days);
  /// Removes every mood, like and skip; a missing file stays missing.
  music::ClearedCounts clear();

 private:
  music::MoodHistory& writable();
  void drop_first_pending();

  std::filesystem::path path_;
  std::once_flag open_once_;
  std::unique_ptr<music::MoodHistory> history_;  ///< opened on the first write (in memory: now)
  mutable std::mutex pending_mutex_;
  std::deque<music::MoodEntry> pending_;  ///< settled, not yet written (the file was locked)
  std::mutex pending_writer_;             ///< held by the one caller writing them
};

}  // namespace emomusic::session
