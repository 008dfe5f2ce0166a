#include "catalog.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "emomusic/core/error.hpp"
#include "emomusic/core/interrupt.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/music/catalog.hpp"
#include "emomusic/music/catalog_import.hpp"
#include "emomusic/music/playlist_format.hpp"
#include "exit_codes.hpp"
#include "option_range.hpp"

namespace emomusic::app {

namespace {

using nlohmann::json;

std::filesystem::path catalog_path(const std::string& option) {
  return option.empty() ? music::default_catalog_path() : std::filesystem::path(option);
}

CLI::Option* add_catalog_option(CLI::App* sub, std::string& path) {
  return sub->add_option("--catalog", path,
                         "Catalog file (default: $XDG_DATA_HOME/emomusic/catalog.db)");
}

}  // namespace

void setup_catalog(CLI::App& app, Command& command) {
  auto* catalog = &app;
  add_description(
      app,
      "Exit codes: 3 unreadable or malformed file, not SQLite; 5 import skipped some rows (each "
      "reported); 8 catalog locked by another process for over a minute; 130 interrupted (the "
      "catalog is left as it was).");
  catalog->require_subcommand(1);

  auto import = std::make_shared<CatalogImportOptions>();
  auto* im = catalog->add_subcommand(
      "import",
      "Import Spotify-feature CSV files (the layouts of data_moods.csv, spotify_tracks_14k.csv "
      "and Kaggle's 114k Spotify Tracks Dataset are recognised). Upserts by track id; all files "
      "in one transaction.");
  im->add_option("files", import->files, "CSV files")->required()->check(CLI::ExistingFile);
  add_catalog_option(im, import->catalog);
  im->add_option("--column-map", import->column_map,
                 "Columns of another layout: id=COL,name=COL,artists=COL,valence=COL,energy=COL"
                 "[,album=…,genre=…,year=…,release_date=…,popularity=…,explicit=…,duration_ms=…,"
                 "danceability=…,tempo=…,acousticness=…,language=…,artist_separator=;]");
  im->add_flag("--strict", import->strict, "Import nothing if any row is unusable");
  im->add_flag("--json", import->json, "Print the report as JSON");
  im->callback([import, &command] { command = [import] { return run_catalog_import(*import); }; });

  auto stats = std::make_shared<CatalogStatsOptions>();
  auto* st = catalog->add_subcommand("stats", "Summarise the catalog");
  add_catalog_option(st, stats->catalog);
  st->add_flag("--json", stats->json, "Print JSON");
  st->callback([stats, &command] { command = [stats] { return run_catalog_stats(*stats); }; });

  auto search = std::make_shared<CatalogSearchOptions>();
  auto* se = catalog->add_subcommand("search", "Find tracks by title, artist or album");
  se->add_option("text", search->text, "Text to look for (case-insensitive)")->required();
  add_catalog_option(se, search->catalog);
  se->add_option("-n,--limit", search->limit, "Most hits to show")
      ->capture_default_str()
      ->check(in_range(music::kSearchLimitRange));
  se->add_option("-f,--format", search->format, join_names(music::playlist_format_names()))
      ->capture_default_str()
      ->check(CLI::IsMember(music::playlist_format_names()));
  se->callback([search, &command] { command = [search] { return run_catalog_search(*search); }; });
}

int run_catalog_import(const CatalogImportOptions& o) {
  install_interrupt_handlers();  // Ctrl-C rolls the import back and removes its temporary files
  music::ImportOptions options;
  if (!o.column_map.empty()) {
    options.layout = with_hint<UsageError>("--column-map",
                                           [&] { return music::parse_column_map(o.column_map); });
  }
  options.strict = o.strict;
  options.cancel = interrupt_token();
  std::vector<std::filesystem::path> files(o.files.begin(), o.files.end());
  const auto path = catalog_path(o.catalog);
  const auto reports = with_hint<music::UnknownLayoutError>(
      "pass it with --column-map", [&] { return music::import_csv_files(path, files, options); });

  long skipped = 0;
  json out = {{"catalog", path.string()}, {"files", json::array()}};
  for (const auto& r : reports) {
    for (const auto& p : r.problems) spdlog::warn("skipped {}", p.message());
    for (const auto& p : r.dropped) spdlog::warn("{}", p.message());
    skipped += static_cast<long>(r.problems.size());
    // The Kaggle layout repeats a track once per genre: thousands of repeats, so only the first
    // few are logged one by one, and --json lists them all.
    constexpr std::size_t kDuplicatesLogged = 10;
    for (std::size_t i = 0; i < std::min(r.duplicates.size(), kDuplicatesLogged); ++i) {
      spdlog::warn("{}", r.duplicates[i].message());
    }
    if (r.duplicates.size() > kDuplicatesLogged) {
      spdlog::warn("{}: {} more ids are on several lines (--json lists them)", r.source,
                   r.duplicates.size() - kDuplicatesLogged);
    }
    out["files"].push_back(music::to_json(r));
    if (!o.json) {
      std::cout << fmt::format("{}: {} of {} rows imported (layout {}), {} skipped", r.source,
                               r.imported, r.records, r.layout, r.problems.size())
                << (r.duplicates.empty()
                        ? std::string()
                        : fmt::format(", {} ids on several rows (the last row of each kept)",
                                      r.duplicates.size()))
                << (r.dropped.empty() ? std::string()
                                      : fmt::format(", {} with a value left unknown (see above)",
                                                    r.dropped.size()))
                << '\n';
    }
  }
  out["tracks"] = music::Catalog(path, music::Catalog::Mode::kReadOnly).count();
  if (o.json) {
    std::cout << dump_json(out, 2) << '\n';
  } else {
    std::cout << fmt::format("{} now holds {} tracks\n", path.string(), out["tracks"].get<long>());
  }
  return exit_code(skipped > 0 ? BatchOutcome::kPartial : BatchOutcome::kComplete);
}

int run_catalog_stats(const CatalogStatsOptions& o) {
  const auto path = catalog_path(o.catalog);
  const music::CatalogStats s = music::Catalog(path, music::Catalog::Mode::kReadOnly).stats();
  if (o.json) {
    std::cout << dump_json(music::to_json(s, path), 2) << '\n';
    return 0;
  }
  std::cout << fmt::format("catalog      {}\ntracks       {}\nartists      {}\n", path.string(),
                           s.tracks, s.artists)
            << fmt::format("with genre   {}\nwith year    {}", s.with_genre, s.with_year)
            << (s.with_year ? fmt::format(" ({}–{})", s.first_year, s.last_year) : "") << '\n'
            << fmt::format("explicit     {}\nmean valence {:.3f}\nmean energy  {:.3f}\n",
                           s.explicit_tracks, s.mean_valence, s.mean_energy);
  for (const auto& [g, n] : s.top_genres) std::cout << fmt::format("genre        {} ({})\n", g, n);
  return 0;
}

int run_catalog_search(const CatalogSearchOptions& o) {
  const auto format = music::playlist_format_from_string(o.format);
  const auto tracks = music::Catalog(catalog_path(o.catalog), music::Catalog::Mode::kReadOnly)
                          .search(o.text, o.limit);
  if (tracks.empty()) throw NotFoundError("no track matches '" + excerpt(o.text) + "'");
  std::vector<music::Recommendation> hits;
  for (const auto& t : tracks) hits.push_back({t, music::kUnknownFeature, "", 1, 1});
  music::write_playlist(std::cout, hits, format);
  return 0;
}

}  // namespace emomusic::app
