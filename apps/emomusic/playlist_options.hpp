#pragma once
// The options that say what a playlist is (mode, filters, ranking, seed, feedback) and what it is
// made from (catalog, mapping, history), which `recommend` and `playlist refresh` both take. They
// bind straight into the library's request and service options, which hold every default.

#include <CLI/CLI.hpp>
#include <memory>

#include "emomusic/session/playlist.hpp"
#include "emomusic/session/recommender.hpp"

namespace emomusic::app {

/// Adds --mode, --target, --steps, -n/--limit, --catalog, --mapping, --genre, --artist, --year,
/// --no-explicit, --language, --max-per-artist, --diversity, --popularity-weight, --variety,
/// --seed, --no-feedback and --history-db to `cmd`.
void add_playlist_options(CLI::App& cmd, session::PlaylistRequest& request,
                          session::RecommenderOptions& service);

/// The Recommender over `service`; a named catalog that holds no track says how to fill it.
std::unique_ptr<session::Recommender> open_recommender(const session::RecommenderOptions& service);

}  // namespace emomusic::app
