#include "playlist_options.hpp"

#include <cstdint>
#include <string>

#include "command.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/music/mood_mapping.hpp"
#include "named_option.hpp"
#include "option_range.hpp"

namespace emomusic::app {

void add_playlist_options(CLI::App& cmd, session::PlaylistRequest& request,
                          session::RecommenderOptions& service) {
  auto& rank = request.rank;
  add_named_option(cmd, "--mode", request.strategy, music::strategy_names(),
                   "match (mood-congruent) or lift (iso principle: from the mood to --target); "
                   "default per emotion, see docs/music.md");
  cmd.add_option("--target", request.target, "Mood a lift ends at (calm, happy, energetic, …)");
  cmd.add_option("--steps", request.steps, "Stages of a lift, start and end included")
      ->capture_default_str()
      ->check(in_range(session::kStepsRange));
  cmd.add_option("-n,--limit", rank.limit, "Tracks in the playlist")
      ->capture_default_str()
      ->check(in_range(music::kLimitRange));
  cmd.add_option_function<std::string>(
      "--catalog",
      [&service](const std::string& file) {
        if (!file.empty()) service.catalog = file;
      },
      "Catalog file (default: $XDG_DATA_HOME/emomusic/catalog.db)");
  cmd.add_option("--mapping", service.mapping, "Emotion→music mapping JSON (default: shipped)");
  cmd.add_option("--genre", request.filter.genre, "Only tracks whose genre contains this");
  cmd.add_option("--artist", request.filter.artist,
                 "Only tracks by an artist whose name contains this");
  cmd.add_option_function<std::string>(
      "--year",
      [&request](const std::string& years) {
        with_hint<UsageError>("--year", [&] { request.filter.set_years(years); });
      },
      "Only tracks from this year or range: 1999, 1990-1999, 1990-, -1999");
  cmd.add_flag("--no-explicit", request.filter.no_explicit, "Leave out tracks marked explicit");
  cmd.add_option_function<std::string>(
      "--language",
      [&request](const std::string& language) {
        with_hint<UsageError>("--language", [&] { request.filter.set_language(language); });
      },
      "Only tracks sung in this language: es, pt-BR or Spanish (the catalog's tracks of unknown "
      "language are left out, and Spotify is not asked)");
  cmd.add_option("--max-per-artist", rank.max_per_artist, "At most this many tracks per artist")
      ->capture_default_str()
      ->check(in_range(music::kMaxPerArtistRange));
  cmd.add_option("--diversity", rank.diversity,
                 "0..1: how strongly to avoid tracks that sound like ones already picked (MMR)")
      ->capture_default_str()
      ->check(in_range(music::kDiversityRange));
  cmd.add_option("--popularity-weight", rank.popularity_weight,
                 "Prefer popular tracks: adds weight*(1-popularity/100) to the distance")
      ->capture_default_str()
      ->check(in_range(music::kPopularityWeightRange));
  cmd.add_option("--variety", rank.variety,
                 "Random jitter added to distances so runs differ (0 = always the same)")
      ->capture_default_str()
      ->check(in_range(music::kVarietyRange));
  cmd.add_option_function<std::int64_t>(
         "--seed",
         [&request](std::int64_t seed) { request.seed = static_cast<std::uint64_t>(seed); },
         "Seed for repeatable output")
      ->check(in_range(session::kSeedRange));
  cmd.add_flag_callback(
      "--no-feedback", [&request] { request.use_feedback = false; },
      "Ignore your likes and skips (`emomusic feedback`) for this emotion");
  cmd.add_option("--history-db", service.history,
                 "History file with the likes and skips (default: "
                 "$XDG_DATA_HOME/emomusic/history.db; a missing file means none)");
}

std::unique_ptr<session::Recommender> open_recommender(const session::RecommenderOptions& service) {
  if (!service.catalog) return std::make_unique<session::Recommender>(service);
  // An empty catalog: say how to fill it, or how to fall back on the starter catalog.
  return with_hint<NotFoundError>("`emomusic catalog import --catalog " +
                                      service.catalog->string() +
                                      " FILE.csv` fills it; without --catalog the starter catalog "
                                      "is used",
                                  [&] { return std::make_unique<session::Recommender>(service); });
}

}  // namespace emomusic::app
