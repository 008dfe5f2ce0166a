#include "emomusic/music/mood_history.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <system_error>

#include "emomusic/core/error.hpp"
#include "emomusic/core/named_values.hpp"
#include "emomusic/core/paths.hpp"
#include "emomusic/core/text.hpp"
#include "sqlite_file.hpp"

namespace emomusic::music {
namespace fs = std::filesystem;

namespace {

// Bumped when the table layout changes; a newer file is refused rather than misread.
constexpr int kSchemaVersion = 1;

// Emotions and kinds are stored by name, not label number, so that the rows stay readable with
// sqlite3 and keep their meaning should the label order ever change.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS moods (
  id         INTEGER PRIMARY KEY,
  time       INTEGER NOT NULL,           -- seconds since 1970 UTC
  emotion    TEXT NOT NULL,              -- angry, disgust, fear, happy, sad, surprise, neutral
  confidence REAL NOT NULL,              -- 0..1
  source     TEXT NOT NULL DEFAULT ''    -- a label such as "camera 0"; never image data
);
CREATE INDEX IF NOT EXISTS moods_by_time ON moods (time);
CREATE TABLE IF NOT EXISTS feedback (
  id       INTEGER PRIMARY KEY,
  time     INTEGER NOT NULL,
  track_id TEXT NOT NULL,                -- Spotify id
  artists  TEXT NOT NULL DEFAULT '[]',   -- JSON array: artist names may contain ';'
  emotion  TEXT NOT NULL,
  kind     TEXT NOT NULL CHECK (kind IN ('like', 'skip'))
);
CREATE INDEX IF NOT EXISTS feedback_by_emotion ON feedback (emotion, time);
)sql";

constexpr std::int64_t kDay = 86400;

// Floor division, so that times before 1970 still fall into the right day.
std::int64_t day_number(std::int64_t time) {
  return time / kDay - (time % kDay < 0 ? 1 : 0);
}

// Howard Hinnant's civil_from_days: proleptic Gregorian date of a day number, without gmtime's
// dependence on the time zone database and its thread-safety caveats.
void civil_from_days(std::int64_t z, int& year, int& month, int& day) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0));
}

bool has_control_bytes(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return std::string(text.substr(first, text.find_last_not_of(" \t") - first + 1));
}

// A label fit to store: bounded, one line, valid UTF-8. `what` names the field in messages.
void check_label(std::string_view text, const std::string& what) {
  if (text.size() > kMaxSourceBytes) {
    throw InputError(what + " '" + excerpt(text, 40) + "' is longer than " +
                     std::to_string(kMaxSourceBytes) + " bytes");
  }
  if (has_control_bytes(text) || !is_valid_utf8(text)) {
    throw InputError(what + " '" + excerpt(text) + "' has control characters or is not UTF-8 text");
  }
}

}  // namespace

fs::path default_history_path() {
  return user_data_dir() / "history.db";
}

std::int64_t utc_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string utc_date(std::int64_t time) {
  int y = 0, m = 0, d = 0;
  civil_from_days(day_number(time), y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

std::string utc_timestamp(std::int64_t time) {
  const std::int64_t s = time - day_number(time) * kDay;
  char buf[32];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02dZ", static_cast<int>(s / 3600),
                static_cast<int>(s / 60 % 60), static_cast<int>(s % 60));
  return utc_date(time) + buf;
}

nlohmann::json MoodEntry::to_json() const {
  return {{"time", time},
          {"utc", utc_timestamp(time)},
          {"emotion", std::string(emomusic::to_string(emotion))},
          {"confidence", confidence},
          {"source", source}};
}

nlohmann::json DaySummary::to_json() const {
  nlohmann::json per_emotion = nlohmann::json::object();
  for (int e = 0; e < kEmotionCount; ++e) {
    per_emotion[std::string(emotion_names()[static_cast<std::size_t>(e)])] =
        counts[static_cast<std::size_t>(e)];
  }
  return {{"date", date},
          {"day_start", day_start},
          {"total", total},
          {"counts", per_emotion},
          {"dominant", dominant ? nlohmann::json(std::string(emomusic::to_string(*dominant)))
                                : nlohmann::json(nullptr)},
          {"mean_confidence", mean_confidence}};
}

nlohmann::json HistoryReport::to_json() const {
  nlohmann::json e = nlohmann::json::array();
  for (const auto& entry : entries) e.push_back(entry.to_json());
  nlohmann::json d = nlohmann::json::array();
  for (const auto& day : days) d.push_back(day.to_json());
  return {{"entries", e}, {"days", d}};
}

std::vector<DaySummary> summarise_days(const std::vector<MoodEntry>& entries, int days,
                                       std::int64_t now) {
  if (days < 1 || days > kMaxHistoryDays) {
    throw UsageError("a history summary covers 1 to " + std::to_string(kMaxHistoryDays) +
                     " days, not " + std::to_string(days));
  }
  const std::int64_t last = day_number(now);
  const std::int64_t first = last - (days - 1);
  std::vector<DaySummary> out(static_cast<std::size_t>(days));
  std::vector<std::array<double, kEmotionCount>> confidence(out.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].day_start = (first + static_cast<std::int64_t>(i)) * kDay;
    out[i].date = utc_date(out[i].day_start);
    confidence[i].fill(0.0);
  }
  for (const auto& e : entries) {
    const std::int64_t day = day_number(e.time);
    if (day < first || day > last) continue;
    const auto i = static_cast<std::size_t>(day - first);
    const auto k = static_cast<std::size_t>(to_index(e.emotion));
    ++out[i].counts[k];
    ++out[i].total;
    confidence[i][k] += e.confidence;
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    DaySummary& s = out[i];
    if (s.total == 0) continue;
    double sum = 0;
    std::size_t best = 0;
    for (std::size_t k = 0; k < static_cast<std::size_t>(kEmotionCount); ++k) {
      sum += confidence[i][k];
      if (s.counts[k] > s.counts[best] ||
          (s.counts[k] == s.counts[best] && confidence[i][k] > confidence[i][best])) {
        best = k;
      }
    }
    s.dominant = emotion_from_index(static_cast<int>(best));
    s.mean_confidence = sum / s.total;
  }
  return out;
}

const std::vector<std::string>& feedback_kind_names() {
  static const std::vector<std::string> kNames = {"like", "skip"};  // in FeedbackKind's order
  return kNames;
}

std::string_view to_string(FeedbackKind kind) {
  return name_of(feedback_kind_names(), kind);
}

FeedbackKind feedback_kind_from_string(std::string_view text) {
  return parse_named<FeedbackKind>(feedback_kind_names(), text, "feedback");
}

namespace {

using detail::SqliteFile;
using detail::SqliteStatement;
using detail::SqliteTransaction;

const detail::SqliteKind kHistoryKind{"mood history", "move it aside to start a new one",
                                      "another emomusic writing to it?",
                                      "name a new file for the history"};

}  // namespace

MoodHistory::MoodHistory(const fs::path& path, Mode mode, int busy_timeout_ms) : path_(path) {
  const auto file_mode =
      mode == Mode::kReadOnly ? SqliteFile::Mode::kReadOnly : SqliteFile::Mode::kReadWrite;
  file_ = std::make_unique<SqliteFile>(path, file_mode, busy_timeout_ms, kHistoryKind);
  file_->open_schema(file_mode, kSchema, kSchemaVersion, {"moods", "feedback"});
}

MoodHistory::MoodHistory(InMemory) : file_(std::make_unique<SqliteFile>(kHistoryKind)) {
  file_->open_schema(SqliteFile::Mode::kReadWrite, kSchema, kSchemaVersion, {"moods", "feedback"});
}

MoodHistory::~MoodHistory() = default;

void MoodHistory::record(const MoodEntry& entry) {
  if (entry.time < 0) {
    throw InputError("mood entry: time " + std::to_string(entry.time) + " is before 1970");
  }
  if (!std::isfinite(entry.confidence) || entry.confidence < 0 || entry.confidence > 1) {
    throw InputError("mood entry: confidence " + std::to_string(entry.confidence) +
                     " is outside 0..1");
  }
  check_label(entry.source, "mood entry: source");
  std::lock_guard<std::mutex> lock(mutex_);
  SqliteStatement s(
      *file_, "INSERT INTO moods (time, emotion, confidence, source) VALUES (?1, ?2, ?3, ?4)");
  s.bind(1, entry.time);
  s.bind(2, std::string(emomusic::to_string(entry.emotion)));
  s.bind(3, entry.confidence);
  s.bind(4, entry.source);
  s.step("write");
}

std::vector<MoodEntry> MoodHistory::entries(std::int64_t since, std::int64_t until) const {
  std::lock_guard<std::mutex> lock(mutex_);
  SqliteStatement s(*file_,
                    "SELECT id, time, emotion, confidence, source FROM moods "
                    "WHERE time >= ?1 AND time < ?2 ORDER BY time DESC, id DESC");
  s.bind(1, since);
  s.bind(2, until);
  std::vector<MoodEntry> out;
  while (s.step("read")) {
    MoodEntry e;
    e.time = s.integer(1);
    const std::string name = s.text(2);
    const auto emotion = parse_emotion(name);
    if (!emotion) {
      throw InputError("mood history " + path_.string() + ": row " + std::to_string(s.integer(0)) +
                       " has emotion '" + excerpt(name) + "', which is none of the seven");
    }
    e.emotion = *emotion;
    e.confidence = s.real(3);
    e.source = s.text(4);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<DaySummary> MoodHistory::daily_summary(int days, std::int64_t now) const {
  return report(days, now).days;
}

HistoryReport MoodHistory::report(int days, std::int64_t now) const {
  // Validates `days` before reading anything.
  HistoryReport r;
  r.days = summarise_days({}, days, now);
  r.entries = entries(r.days.front().day_start, r.days.back().day_start + kDay);
  r.days = summarise_days(r.entries, days, now);
  return r;
}

void MoodHistory::record_feedback(const FeedbackEntry& entry) {
  const auto id = normalize_track_id(entry.track_id);
  if (!id) {
    throw InputError("feedback: track id '" + excerpt(entry.track_id) +
                     "' is not a Spotify track id (22 letters and digits, a spotify:track: URI "
                     "or an open.spotify.com/track link)");
  }
  if (entry.time < 0) {
    throw InputError("feedback: time " + std::to_string(entry.time) + " is before 1970");
  }
  nlohmann::json artists = nlohmann::json::array();
  for (const auto& a : entry.artists) {
    // "A; B" and a trailing separator are common when artists are typed as one list.
    std::string name = trimmed(a);
    if (name.empty()) continue;
    check_label(name, "feedback: artist");
    artists.push_back(std::move(name));
    if (artists.size() > kMaxFeedbackArtists) {
      throw InputError("feedback: artists holds more than the limit of " +
                       std::to_string(kMaxFeedbackArtists) + " names");
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  SqliteStatement s(*file_,
                    "INSERT INTO feedback (time, track_id, artists, emotion, kind) "
                    "VALUES (?1, ?2, ?3, ?4, ?5)");
  s.bind(1, entry.time);
  s.bind(2, *id);
  s.bind(3, dump_json(artists));
  s.bind(4, std::string(emomusic::to_string(entry.emotion)));
  s.bind(5, std::string(to_string(entry.kind)));
  s.step("write");
}

Feedback MoodHistory::feedback(Emotion emotion) const {
  std::lock_guard<std::mutex> lock(mutex_);
  SqliteStatement s(*file_,
                    "SELECT id, track_id, artists, kind FROM feedback WHERE emotion = ?1 "
                    "ORDER BY time, id");
  s.bind(1, std::string(emomusic::to_string(emotion)));
  // Replayed oldest first, so that the latest word on each track and artist is what stays.
  std::map<std::string, bool> track_liked;
  std::map<std::string, bool> artist_liked;
  while (s.step("read")) {
    const bool liked = s.text(3) == "like";
    track_liked[s.text(1)] = liked;
    const std::string artists = s.text(2);
    const auto parsed = nlohmann::json::parse(artists, nullptr, false);
    if (!parsed.is_array()) {
      throw InputError("mood history " + path_.string() + ": feedback row " +
                       std::to_string(s.integer(0)) + " has artists '" + excerpt(artists) +
                       "', not a JSON array");
    }
    for (const auto& a : parsed) {
      if (a.is_string()) artist_liked[ascii_lower(a.get<std::string>())] = liked;
    }
  }
  Feedback f;
  for (const auto& [id, liked] : track_liked) {
    (liked ? f.liked_tracks : f.skipped_tracks).insert(id);
  }
  for (const auto& [artist, liked] : artist_liked) {
    (liked ? f.liked_artists : f.skipped_artists).insert(artist);
  }
  return f;
}

ClearedCounts MoodHistory::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  SqliteTransaction transaction(*file_);
  ClearedCounts cleared;
  file_->exec("DELETE FROM moods");
  cleared.moods = sqlite3_changes(file_->handle());
  file_->exec("DELETE FROM feedback");
  cleared.feedback = sqlite3_changes(file_->handle());
  transaction.commit();
  return cleared;
}

Feedback read_feedback(const fs::path& path, Emotion emotion) {
  if (!fs::exists(path)) return {};
  return MoodHistory(path, MoodHistory::Mode::kReadOnly).feedback(emotion);
}

HistoryReport read_history(const fs::path& path, int days, std::int64_t now) {
  if (!fs::exists(path)) return {{}, summarise_days({}, days, now)};
  return MoodHistory(path, MoodHistory::Mode::kReadOnly).report(days, now);
}

ClearedCounts clear_history(const fs::path& path) {
  if (!fs::exists(path)) return {};
  return MoodHistory(path).clear();
}

nlohmann::json to_json(const ClearedCounts& cleared) {
  return {{"moods", cleared.moods}, {"feedback", cleared.feedback}};
}

}  // namespace emomusic::music
