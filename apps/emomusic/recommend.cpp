#include "recommend.hpp"

#include <spdlog/spdlog.h>

#include <iostream>
#include <optional>

#include "classifier_options.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/interrupt.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/music/emotion_input.hpp"
#include "emomusic/music/mood_mapping.hpp"
#include "named_option.hpp"
#include "option_range.hpp"
#ifdef EMOMUSIC_WITH_VISION
#include "emomusic/session/listener_mood.hpp"
#include "emomusic/session/mood_record.hpp"
#endif

namespace emomusic::app {
namespace {
namespace fs = std::filesystem;

// Where the emotion comes from: the command line, stdin, or (vision builds) a photo or camera,
// whose mood is the listener's mood now and goes into the history, as the page's does.
Emotion emotion_of(const RecommendOptions& o) {
  if (o.from_image.empty() && o.from_camera < 0) {
    if (o.emotion.empty())
      throw UsageError("give --emotion NAME|-, --from-image FILE or --from-camera N");
    return o.emotion == "-" ? music::read_emotion(std::cin) : emotion_from_string(o.emotion);
  }
#ifdef EMOMUSIC_WITH_VISION
  const bool camera = o.from_camera >= 0;
  auto classifier = with_hint<ModelError>("--model FILE names one", [&] {
    return vision::default_classifier_options(
        camera ? vision::InputKind::kStream : vision::InputKind::kStill, o.models);
  });
  classifier.prior_power = o.prior_power;
  install_interrupt_handlers();  // Ctrl-C while waiting for a steady face: exit 130, no music
  const session::ListenerMood mood =
      camera ? session::mood_from_camera(o.from_camera, classifier, o.camera_timeout_s,
                                         interrupt_token())
             : session::mood_from_photo(o.from_image, classifier);
  if (!o.no_history) {
    session::record_settled_mood(o.service.history, mood.emotion, mood.confidence, mood.source);
  }
  return mood.emotion;
#else
  throw UnavailableError("--from-image/--from-camera: this emomusic was built without vision");
#endif
}

// Spotify's part: the app's credentials when they are set (saving a playlist needs them), and
// whether a short playlist is filled from it.
void set_up_spotify(const RecommendOptions& o, session::RecommenderOptions& service) {
  service.top_up = !o.no_spotify;
#ifdef EMOMUSIC_WITH_SPOTIFY
  const bool save = !o.create_playlist.empty();
  if (o.no_spotify && !save) return;
  const auto credentials =
      save ? spotify::load_credentials(false) : spotify::find_credentials(false);
  if (!credentials) {
    spdlog::debug("Spotify not used: no app credentials");
    return;
  }
  service.spotify = session::SpotifyAccess{spotify_config(o.spotify), *credentials};
#else
  if (!o.create_playlist.empty()) {
    throw UnavailableError("--create-playlist: this emomusic was built without Spotify support");
  }
#endif
}

}  // namespace

void setup_recommend(CLI::App& app, Command& command) {
  auto options = std::make_shared<RecommendOptions>();
  auto& request = options->request;
  auto& rank = request.rank;
  auto* sub = &app;
  add_description(
      app,
      "Without an imported catalog, picks from the shipped starter catalog (moods estimated by "
      "the project).\n"
      "Exit codes: 2 unknown emotion or bad option, 3 unreadable catalog/mapping/history or not "
      "SQLite, 7 no track fits the filters (or all were skipped) or the catalog is empty, 8 "
      "catalog or history locked.");
  sub->add_option("-e,--emotion", options->emotion,
                  "angry, disgust, fear, happy, sad, surprise, neutral (or 0-6); '-' reads a line "
                  "or a JSON object with an \"emotion\" field from stdin");
  auto* from_image = sub->add_option("--from-image", options->from_image,
                                     "Detect the emotion of the largest face in this photo first");
  auto* from_camera = sub->add_option("--from-camera", options->from_camera,
                                      "Watch this camera until an emotion settles, then recommend")
                          ->check(in_range(kCameraRange));
  sub->add_option("--camera-timeout", options->camera_timeout_s,
                  "--from-camera: give up after this many seconds without a settled emotion")
      ->capture_default_str()
      ->check(in_range(vision::kTimeoutRange));
  sub->add_option("--model", options->models,
                  "Emotion model for --from-image/--from-camera (repeat: an ensemble)");
  add_prior_power_option(*sub, options->prior_power);
  from_image->excludes(from_camera)->excludes("--emotion");
  from_camera->excludes("--emotion");
  add_named_option(*sub, "--mode", request.strategy, music::strategy_names(),
                   "match (mood-congruent) or lift (iso principle: from the mood to --target); "
                   "default per emotion, see docs/music.md");
  sub->add_option("--target", request.target, "Mood a lift ends at (calm, happy, energetic, …)");
  sub->add_option("--steps", request.steps, "Stages of a lift, start and end included")
      ->capture_default_str()
      ->check(in_range(session::kStepsRange));
  sub->add_option("-n,--limit", rank.limit, "Tracks in the playlist")
      ->capture_default_str()
      ->check(in_range(music::kLimitRange));
  sub->add_option_function<std::string>(
      "--catalog",
      [options](const std::string& file) {
        if (!file.empty()) options->service.catalog = file;
      },
      "Catalog file (default: $XDG_DATA_HOME/emomusic/catalog.db)");
  sub->add_option("--mapping", options->service.mapping,
                  "Emotion→music mapping JSON (default: shipped)");
  sub->add_option("--genre", request.filter.genre, "Only tracks whose genre contains this");
  sub->add_option("--artist", request.filter.artist,
                  "Only tracks by an artist whose name contains this");
  sub->add_option_function<std::string>(
      "--year",
      [&request](const std::string& years) {
        with_hint<UsageError>("--year", [&] { request.filter.set_years(years); });
      },
      "Only tracks from this year or range: 1999, 1990-1999, 1990-, -1999");
  sub->add_flag("--no-explicit", request.filter.no_explicit, "Leave out tracks marked explicit");
  sub->add_option_function<std::string>(
      "--language",
      [&request](const std::string& language) {
        with_hint<UsageError>("--language", [&] { request.filter.set_language(language); });
      },
      "Only tracks sung in this language: es, pt-BR or Spanish (the catalog's tracks of unknown "
      "language are left out, and Spotify is not asked)");
  sub->add_option("--max-per-artist", rank.max_per_artist, "At most this many tracks per artist")
      ->capture_default_str()
      ->check(in_range(music::kMaxPerArtistRange));
  sub->add_option("--diversity", rank.diversity,
                  "0..1: how strongly to avoid tracks that sound like ones already picked (MMR)")
      ->capture_default_str()
      ->check(in_range(music::kDiversityRange));
  sub->add_option("--popularity-weight", rank.popularity_weight,
                  "Prefer popular tracks: adds weight*(1-popularity/100) to the distance")
      ->capture_default_str()
      ->check(in_range(music::kPopularityWeightRange));
  sub->add_option("--variety", rank.variety,
                  "Random jitter added to distances so runs differ (0 = always the same)")
      ->capture_default_str()
      ->check(in_range(music::kVarietyRange));
  sub->add_option_function<std::int64_t>(
         "--seed",
         [&request](std::int64_t seed) { request.seed = static_cast<std::uint64_t>(seed); },
         "Seed for repeatable output")
      ->check(in_range(session::kSeedRange));
  add_named_option(*sub, "-f,--format", options->format, music::playlist_format_names(),
                   join_names(music::playlist_format_names()));
  sub->add_flag_callback(
      "--no-feedback", [&request] { request.use_feedback = false; },
      "Ignore your likes and skips (`emomusic feedback`) for this emotion");
  sub->add_option("--history-db", options->service.history,
                  "History file with the likes and skips (default: "
                  "$XDG_DATA_HOME/emomusic/history.db; a missing file means none)");
  sub->add_flag("--no-history", options->no_history,
                "With --from-image or --from-camera: do not record the detected mood in the "
                "history (--history-db)");
  sub->add_flag("--no-spotify", options->no_spotify,
                "Stay offline even when Spotify credentials are set (they are used to fill a "
                "playlist the catalog cannot)");
  sub->add_option("--create-playlist", options->create_playlist,
                  "Also save the playlist as a private playlist NAME in your Spotify account "
                  "(needs `emomusic login`); its link goes to stderr");
#ifdef EMOMUSIC_WITH_SPOTIFY
  add_spotify_options(*sub, options->spotify);
#endif
  sub->callback([options, &command] { command = [options] { return run_recommend(*options); }; });
}

int run_recommend(const RecommendOptions& o) {
  // Everything the command line decides is checked before stdin, the mapping or the catalog.
  session::check_request(o.request);
  session::RecommenderOptions service = o.service;
  set_up_spotify(o, service);
  session::PlaylistRequest request = o.request;
  request.emotion = emotion_of(o);
  std::optional<session::Recommender> recommender;
  if (service.catalog) {
    // An empty catalog: say how to fill it, or how to fall back on the starter catalog.
    with_hint<NotFoundError>("`emomusic catalog import --catalog " + service.catalog->string() +
                                 " FILE.csv` fills it; without --catalog the starter catalog is "
                                 "used",
                             [&] { recommender.emplace(service); });
  } else {
    recommender.emplace(service);
  }
  const session::Playlist result = recommender->recommend(request);

  const auto& feedback = result.feedback;
  if (request.use_feedback) {
    spdlog::debug(
        "feedback for {}: {} liked and {} skipped tracks, {} liked and {} skipped "
        "artists",
        to_string(request.emotion), feedback.liked_tracks.size(), feedback.skipped_tracks.size(),
        feedback.liked_artists.size(), feedback.skipped_artists.size());
  }
  spdlog::info("{} → {} ({}), from the {}", to_string(request.emotion),
               to_string(result.plan.strategy), result.plan.why, result.source);
  spdlog::debug("seed {} (pass --seed {} to repeat this playlist)", result.seed, result.seed);
  const auto& playlist = result.tracks;
  if (static_cast<int>(playlist.size()) < request.rank.limit) {
    spdlog::warn("only {} of {} tracks: the filters or --max-per-artist {} leave no more",
                 playlist.size(), request.rank.limit, request.rank.max_per_artist);
  }
  music::write_playlist(std::cout, playlist, o.format);
  if (!o.create_playlist.empty()) {
    std::cout.flush();
    const auto saved = recommender->save(o.create_playlist, session::track_ids(result));
    // stderr, so that stdout stays one playlist in the chosen format.
    std::cerr << "created Spotify playlist \"" << o.create_playlist << "\" (" << saved.tracks_added
              << " tracks";
    if (saved.tracks_left_out > 0) {
      std::cerr << "; " << saved.tracks_left_out << " catalog tracks without a Spotify id left out";
    }
    std::cerr << "): " << saved.url << std::endl;
  }
  return 0;
}

}  // namespace emomusic::app
