#include "history.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "emomusic/core/error.hpp"
#include "emomusic/core/output_files.hpp"
#include "emomusic/music/history_format.hpp"
#include "emomusic/music/mood_history.hpp"
#include "emomusic/music/mood_timeline.hpp"
#include "option_range.hpp"

namespace emomusic::app {

void setup_history(CLI::App& app, Command& command) {
  auto options = std::make_shared<HistoryOptions>();
  auto* sub = &app;
  add_description(
      app,
      "Exit codes: 2 bad option, 3 --db is missing, not SQLite or not a mood history, or the "
      "plot cannot be written, 8 the history is locked by another writer.");
  sub->add_option("--days", options->days, "Days to show, today (UTC) included")
      ->capture_default_str()
      ->check(in_range(music::kHistoryDaysRange));
  auto* format = sub->add_option("-f,--format", options->format, "table, json or csv")
                     ->capture_default_str()
                     ->check(CLI::IsMember(music::history_format_names()));
  auto* plot = sub->add_option("--plot", options->plot,
                               "Also draw a mood timeline of these days into this PNG file");
  sub->add_option("--db", options->db,
                  "History file (default: $XDG_DATA_HOME/emomusic/history.db)");
  sub->add_flag("--clear", options->clear, "Remove every recorded mood and every like and skip")
      ->excludes(format)
      ->excludes(plot)
      ->excludes("--days");
  sub->callback([options, &command] { command = [options] { return run_history(*options); }; });
}

int run_history(const HistoryOptions& o) {
  namespace fs = std::filesystem;
  const music::HistoryFormat format = music::history_format_from_string(o.format);
  // A history named on the command line must exist; the default one is simply empty until the
  // first mood is recorded, and looking at it creates nothing.
  const fs::path path = o.db.empty() ? music::default_history_path() : fs::path(o.db);
  const bool must_exist = !o.db.empty();

  if (o.clear) {
    if (must_exist && !fs::exists(path)) {
      throw InputError("history file " + path.string() + " does not exist");
    }
    const auto cleared = music::clear_history(path);
    std::cout << "removed " << cleared.moods << " moods and " << cleared.feedback
              << " likes and skips from " << path.string() << '\n';
    return 0;
  }

  check_output_files({path}, {o.plot});
  const auto now = music::utc_now();
  const music::HistoryReport report =
      must_exist ? music::MoodHistory(path, music::MoodHistory::Mode::kReadOnly).report(o.days, now)
                 : music::read_history(path, o.days, now);
  music::write_history(std::cout, report, format);
  if (!o.plot.empty()) {
    std::cout.flush();
    music::plot_mood_timeline(report, o.plot);
    spdlog::info("wrote the mood timeline to {}", o.plot);
  }
  return 0;
}

}  // namespace emomusic::app
