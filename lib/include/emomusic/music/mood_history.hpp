#pragma once
/// @file
/// The listener's mood history and their likes and skips: one SQLite file, by default
/// $XDG_DATA_HOME/emomusic/history.db, shared by the command line and the web server. It keeps
/// labels only (an emotion, a confidence, where it came from), never an image.
///
/// Days are UTC days: the history is read by machines in several time zones alike, and a day
/// boundary that moves with the clock's zone would re-bucket old entries.

#include <array>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emomusic/core/emotion.hpp"
#include "emomusic/core/value_range.hpp"
#include "emomusic/music/ranking.hpp"

namespace emomusic::music {

namespace detail {
class SqliteFile;
}  // namespace detail

/// $XDG_DATA_HOME/emomusic/history.db (see core/paths.hpp).
std::filesystem::path default_history_path();

/// Seconds since 1970-01-01 UTC, now.
std::int64_t utc_now();
/// "2024-06-10" for a time in seconds since 1970 UTC.
std::string utc_date(std::int64_t time);
/// "2024-06-10T06:13:20Z".
std::string utc_timestamp(std::int64_t time);

/// The most days a summary covers (ten years), so a typo cannot ask for millions of rows.
inline constexpr int kMaxHistoryDays = 3650;
inline constexpr ValueRange<int> kHistoryDaysRange{1, kMaxHistoryDays};
/// Longest source label kept; longer ones are refused rather than cut, so a label stays a label.
inline constexpr std::size_t kMaxSourceBytes = 200;
/// Most artists one like or skip names (a track has a few; an orchestra's track credits a dozen);
/// each name is a label of at most kMaxSourceBytes. More is refused, not cut: one request must not
/// store a list that slows every later ranking for that mood.
inline constexpr std::size_t kMaxFeedbackArtists = 20;

/// One settled mood.
struct MoodEntry {
  std::int64_t time = 0;  ///< seconds since 1970 UTC
  Emotion emotion = Emotion::kNeutral;
  double confidence = 0.0;  ///< 0..1
  std::string source;       ///< a label: "camera 0", "page", "photo.jpg"

  /// {"time": 1718000000, "utc": "2024-06-10T06:13:20Z", "emotion": "happy",
  ///  "confidence": 0.91, "source": "camera 0"}
  nlohmann::json to_json() const;
};

/// The moods of one UTC day.
struct DaySummary {
  std::int64_t day_start = 0;               ///< midnight UTC, seconds since 1970
  std::string date;                         ///< "2024-06-10"
  std::array<int, kEmotionCount> counts{};  ///< per emotion, in label order
  int total = 0;
  /// The most frequent emotion; a tie goes to the one with the higher summed confidence, then to
  /// the lower label. Empty on a day without entries.
  std::optional<Emotion> dominant;
  double mean_confidence = 0.0;  ///< over all the day's entries; 0 on an empty day

  /// {"date": "2024-06-10", "day_start": …, "total": 3, "counts": {"angry": 0, …},
  ///  "dominant": "happy" or null, "mean_confidence": 0.8}
  nlohmann::json to_json() const;
};

/// Per-day summaries of `entries` for the `days` UTC days up to and including the one holding
/// `now`, oldest first; days without entries are included, and entries outside them ignored.
/// Throws UsageError unless 1 <= days <= kMaxHistoryDays.
std::vector<DaySummary> summarise_days(const std::vector<MoodEntry>& entries, int days,
                                       std::int64_t now);

/// What a history view shows: the entries of the last days (newest first) and their summaries.
struct HistoryReport {
  std::vector<MoodEntry> entries;
  std::vector<DaySummary> days;  ///< oldest first

  /// {"entries": [MoodEntry…], "days": [DaySummary…]}: the one JSON form, for CLI and server.
  nlohmann::json to_json() const;
};

enum class FeedbackKind { kLike, kSkip };
/// "like", "skip": the names the command line and the server accept.
const std::vector<std::string>& feedback_kind_names();
std::string_view to_string(FeedbackKind kind);
/// Throws UsageError for anything but a name of feedback_kind_names().
FeedbackKind feedback_kind_from_string(std::string_view text);

/// A like or skip of one track, for one mood.
struct FeedbackEntry {
  std::string track_id;  ///< a Spotify id; a spotify:track: URI or open.spotify.com link is reduced
  std::vector<std::string> artists;  ///< as shown; may be empty when unknown
  Emotion emotion = Emotion::kNeutral;
  FeedbackKind kind = FeedbackKind::kLike;
  std::int64_t time = 0;  ///< seconds since 1970 UTC
};

struct ClearedCounts {
  long moods = 0;
  long feedback = 0;
};

/// The history database. Every method may be called from several threads on one object (a mutex
/// serialises them); other connections, in this process or others, wait up to `busy_timeout_ms`
/// for a writer and then fail with UnavailableError.
class MoodHistory {
 public:
  enum class Mode { kReadOnly, kReadWrite };

  /// Opens (kReadWrite: creates if needed, with its folder) the history at `path`. Throws
  /// InputError when the file is missing (kReadOnly), is not a SQLite database, is a database but
  /// not a history (another program's, an emomusic catalog) or has a newer schema, and
  /// UnavailableError when another writer holds it for longer than `busy_timeout_ms`.
  explicit MoodHistory(const std::filesystem::path& path, Mode mode = Mode::kReadWrite,
                       int busy_timeout_ms = 5000);
  /// A new, empty history in memory only: nothing is written to disk, and it is gone with this
  /// object (a front end that keeps nothing, as `serve --no-history`).
  struct InMemory {};
  explicit MoodHistory(InMemory);
  ~MoodHistory();
  MoodHistory(const MoodHistory&) = delete;
  MoodHistory& operator=(const MoodHistory&) = delete;

  /// The file; empty for a history in memory.
  const std::filesystem::path& path() const { return path_; }
  bool in_memory() const { return path_.empty(); }

  /// Throws InputError naming the field for a negative time, a confidence outside 0..1 or a
  /// source over kMaxSourceBytes or with control characters.
  void record(const MoodEntry& entry);

  /// Entries with since <= time < until, newest first.
  std::vector<MoodEntry> entries(
      std::int64_t since = std::numeric_limits<std::int64_t>::min(),
      std::int64_t until = std::numeric_limits<std::int64_t>::max()) const;

  /// summarise_days() over the stored entries.
  std::vector<DaySummary> daily_summary(int days, std::int64_t now) const;

  /// The entries and summaries of the `days` UTC days up to the one holding `now`.
  HistoryReport report(int days, std::int64_t now) const;

  /// Throws InputError naming the field for a track id that is not a Spotify id, more than
  /// kMaxFeedbackArtists artists, an artist name over kMaxSourceBytes or with control characters,
  /// or a negative time. Empty artist names are skipped.
  void record_feedback(const FeedbackEntry& entry);

  /// The likes and skips for `emotion`, ready for RankOptions::feedback. For each track only its
  /// latest feedback counts, and for each artist (case-insensitively) the latest feedback on any
  /// of their tracks; so a like after a skip undoes the skip.
  Feedback feedback(Emotion emotion) const;

  /// Removes every mood and every like and skip, in one transaction.
  ClearedCounts clear();

 private:
  std::filesystem::path path_;
  std::unique_ptr<detail::SqliteFile> file_;
  mutable std::mutex mutex_;
};

// Readers that never create the file: a listener who recorded nothing gets no history file
// from looking at it.

/// The feedback for `emotion` in the history at `path`, or an empty one when there is no such
/// file.
Feedback read_feedback(const std::filesystem::path& path, Emotion emotion);

/// MoodHistory::report() of the history at `path`, or one with no entries (and empty days) when
/// there is no such file. Throws UsageError for `days` outside 1..kMaxHistoryDays either way.
HistoryReport read_history(const std::filesystem::path& path, int days, std::int64_t now);

/// MoodHistory::clear() of the history at `path`; nothing (and no file created) when there is no
/// such file.
ClearedCounts clear_history(const std::filesystem::path& path);

/// {"moods", "feedback"}: what a clear removed.
nlohmann::json to_json(const ClearedCounts& cleared);

}  // namespace emomusic::music
