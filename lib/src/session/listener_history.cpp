#include "emomusic/session/listener_history.hpp"

#include <spdlog/spdlog.h>

#include "emomusic/core/error.hpp"

namespace emomusic::session {
namespace fs = std::filesystem;

ListenerHistory::ListenerHistory(const fs::path& path)
    : path_(path.empty() ? music::default_history_path() : path) {
  if (fs::exists(path_)) {
    const music::MoodHistory check(path_, music::MoodHistory::Mode::kReadOnly);
  }
}

ListenerHistory::ListenerHistory(music::MoodHistory::InMemory in_memory)
    : history_(std::make_unique<music::MoodHistory>(in_memory)) {}

ListenerHistory::~ListenerHistory() {
  try {
    write_pending_moods();
  } catch (const std::exception& e) {
    spdlog::error("a settled mood could not be written: {}", e.what());
  }
  if (const std::size_t lost = pending_moods(); lost > 0) {
    spdlog::error("{} settled moods could not be written: the history {} is still locked", lost,
                  path_.string());
  }
}

music::MoodHistory& ListenerHistory::writable() {
  std::call_once(open_once_, [this] {
    if (!history_) history_ = std::make_unique<music::MoodHistory>(path_);
  });
  return *history_;
}

void ListenerHistory::record_mood(const music::MoodEntry& entry) {
  {
    std::lock_guard lock(pending_mutex_);
    if (pending_.size() >= kMaxPendingMoods) {
      spdlog::warn("the history {} stayed locked for {} settled moods: the oldest is dropped",
                   path_.string(), kMaxPendingMoods);
      pending_.pop_front();
    }
    pending_.push_back(entry);
  }
  write_pending_moods();
}

// Oldest first, so that the history keeps the order in which moods settled.
void ListenerHistory::write_pending_moods() {
  std::unique_lock writer(pending_writer_, std::try_to_lock);
  if (!writer) return;
  for (;;) {
    music::MoodEntry entry;
    {
      std::lock_guard lock(pending_mutex_);
      if (pending_.empty()) return;
      entry = pending_.front();
    }
    try {
      writable().record(entry);
    } catch (const UnavailableError& e) {
      spdlog::warn("{} settled moods wait to be written: {}", pending_moods(), e.what());
      return;
    } catch (...) {
      // Not a lock that will go: this mood cannot be written, and must not block the others.
      drop_first_pending();
      throw;
    }
    drop_first_pending();
  }
}

void ListenerHistory::drop_first_pending() {
  std::lock_guard lock(pending_mutex_);
  pending_.pop_front();
}

std::size_t ListenerHistory::pending_moods() const {
  std::lock_guard lock(pending_mutex_);
  return pending_.size();
}

// Readers of a file never create it: looking at an empty history leaves no file behind.
music::Feedback ListenerHistory::feedback(Emotion emotion) const {
  return kept_on_disk() ? music::read_feedback(path_, emotion) : history_->feedback(emotion);
}

void ListenerHistory::record_feedback(const music::FeedbackEntry& entry) {
  writable().record_feedback(entry);
}

music::HistoryReport ListenerHistory::report(int days) {
  write_pending_moods();
  const auto now = music::utc_now();
  return kept_on_disk() ? music::read_history(path_, days, now) : history_->report(days, now);
}

// Through this object's own handle, whose mutex serialises it with its writes.
music::ClearedCounts ListenerHistory::clear() {
  return !kept_on_disk() || fs::exists(path_) ? writable().clear() : music::ClearedCounts{};
}

}  // namespace emomusic::session
