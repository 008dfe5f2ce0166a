#pragma once
/// @file
/// Importing Spotify-feature CSV files into the catalog: all files of one call in one transaction,
/// so a failure half-way leaves the catalog exactly as it was (or absent, if it did not exist).

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "emomusic/core/cancel.hpp"
#include "emomusic/music/csv_layout.hpp"

namespace emomusic::music {

/// A record that was skipped, and why.
struct RowProblem {
  std::string source;
  long line = 0;
  std::string reason;
  /// "file.csv:12: valence '1.7' is outside 0..1"
  std::string message() const;
};

/// A track id on several records of one file. Each record replaces the one before, so the last
/// one is kept (with the genres of all merged, as the Kaggle layout lists a track once per genre).
struct DuplicateId {
  std::string source;
  std::string id;
  std::vector<long> lines;  ///< the records' lines, in file order; the last one is kept
  /// "file.csv: id X is on lines 2, 5 and 9; line 9 is kept (the genres of all merged)"
  std::string message() const;
};

struct ImportReport {
  std::string source;
  std::string layout;  ///< the detected or given layout's name
  long records = 0;    ///< data records read (the header excluded)
  long imported = 0;   ///< records upserted, new or not
  std::vector<RowProblem> problems;
  std::vector<DuplicateId> duplicates;  ///< ids on several imported records, in file order
  /// Imported records with a value left unknown because it could not be read (ParsedRow::dropped).
  std::vector<RowProblem> dropped;
};

/// One file's report as `catalog import --json` lists it: {"file", "layout", "records",
/// "imported", "skipped": [{"line", "reason"}], "duplicates": [{"id", "lines", "kept"}],
/// "dropped": [{"line", "reason"}]}.
nlohmann::json to_json(const ImportReport& report);

struct ImportOptions {
  /// A user-given column map (parse_column_map); detected from each file's header when absent.
  std::optional<CsvLayout> layout;
  /// Any unusable record, or a value that would be dropped, fails the whole import instead of
  /// being reported.
  bool strict = false;
  /// How long to wait for another writer (an import still running) before giving up with
  /// UnavailableError; imports of big files take tens of seconds.
  int lock_timeout_ms = 60000;
  /// Checked before every record; once cancelled, the import stops with InterruptedError and
  /// nothing of it lands. Copies of the options share it.
  CancelToken cancel;
};

/// Imports `files` into the catalog at `catalog_path`, creating it if needed. Text that is not
/// UTF-8 is read as Windows-1252. Concurrent imports are serialised: each one's rows land, and a
/// writer that waits longer than `lock_timeout_ms` fails. Throws InputError (a catalog that is
/// one of `files` or lacks its folder, an unreadable file or one over kCatalogCsvLimit, broken
/// CSV quoting, unknown layout, or in strict mode a bad record), UnavailableError (catalog
/// locked) and InterruptedError (`options.cancel`, e.g. Ctrl-C); in every such case the catalog is
/// left as it was and no temporary file is left behind.
std::vector<ImportReport> import_csv_files(const std::filesystem::path& catalog_path,
                                           const std::vector<std::filesystem::path>& files,
                                           const ImportOptions& options);

}  // namespace emomusic::music
