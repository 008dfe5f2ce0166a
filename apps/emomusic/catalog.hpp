#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "command.hpp"

namespace emomusic::app {

struct CatalogImportOptions {
  std::vector<std::string> files;
  std::string catalog;     ///< empty = $XDG_DATA_HOME/emomusic/catalog.db
  std::string column_map;  ///< "field=column,…"; empty = detect the layout from the header
  bool strict = false;     ///< a bad row fails the whole import
  bool json = false;
};

struct CatalogStatsOptions {
  std::string catalog;
  bool json = false;
};

struct CatalogSearchOptions {
  std::string text;
  std::string catalog;
  int limit = 20;
  std::string format = "table";
};

/// `catalog import|stats|search`.
void setup_catalog(CLI::App& app, Command& command);
int run_catalog_import(const CatalogImportOptions& options);
int run_catalog_stats(const CatalogStatsOptions& options);
int run_catalog_search(const CatalogSearchOptions& options);

}  // namespace emomusic::app
