#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "command.hpp"

namespace emomusic::app {

struct HistoryOptions {
  int days = 7;                  ///< the summary and the plot cover this many UTC days
  std::string format = "table";  ///< table, json or csv (music::history_format_names())
  std::string plot;              ///< also draw the timeline into this PNG; empty = none
  std::string db;                ///< empty = $XDG_DATA_HOME/emomusic/history.db
  bool clear = false;            ///< remove every mood and every like and skip
};

/// `history [--days N] [--format F] [--plot FILE.png] [--db FILE]`, `history --clear`.
void setup_history(CLI::App& app, Command& command);
int run_history(const HistoryOptions& options);

}  // namespace emomusic::app
