#include "recommend.hpp"

#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

#include "classifier_options.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/interrupt.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/music/candidates.hpp"
#include "emomusic/music/emotion_input.hpp"
#include "emomusic/music/mood_mapping.hpp"
#include "emomusic/music/playlist_format.hpp"
#include "emomusic/music/ranking.hpp"
#include "emomusic/session/playlist.hpp"
#include "option_range.hpp"
#ifdef EMOMUSIC_WITH_SPOTIFY
#include "emomusic/music/spotify/client.hpp"
#endif
#ifdef EMOMUSIC_WITH_VISION
#include "emomusic/session/mood_record.hpp"
#include "emomusic/vision/detect_run.hpp"
#include "emomusic/vision/image_inputs.hpp"
#endif

namespace emomusic::app {
namespace {
namespace fs = std::filesystem;

#ifdef EMOMUSIC_WITH_VISION
// A mood read from a face is the listener's mood now: it goes into the history, as the page's.
void record(const RecommendOptions& o, Emotion e, double confidence, const std::string& source) {
  if (!o.no_history) session::record_settled_mood(fs::path(o.history_db), e, confidence, source);
}
#endif

// Where the emotion comes from: the command line, stdin, or (vision builds) a photo or camera.
Emotion emotion_of(const RecommendOptions& o) {
  if (o.from_image.empty() && o.from_camera < 0) {
    if (o.emotion.empty())
      throw UsageError("give --emotion NAME|-, --from-image FILE or --from-camera N");
    return o.emotion == "-" ? music::read_emotion(std::cin) : emotion_from_string(o.emotion);
  }
#ifdef EMOMUSIC_WITH_VISION
  using namespace vision;
  // Opened before the model is loaded, so that a missing photo or camera fails at once.
  cv::Mat image;
  std::optional<VideoSource> camera;
  if (!o.from_image.empty()) {
    image = read_image(o.from_image);
  } else {
    camera.emplace(VideoSource::camera(o.from_camera));
  }
  auto classifier = with_hint<ModelError>("--model FILE names one", [&] {
    return default_classifier_options(camera ? InputKind::kStream : InputKind::kStill, o.models);
  });
  classifier.prior_power = o.prior_power;
  EmotionPipeline pipeline(FaceDetector(DetectorOptions{}), FaceClassifier(classifier));
  if (camera) {
    install_interrupt_handlers();  // Ctrl-C while waiting for a steady face: exit 130, no music
    StreamOptions once;
    once.once = true;
    once.cancel = interrupt_token();
    const auto summary = analyse_stream(pipeline, *camera, once, nullptr);
    const Emotion e = *summary.settled;
    spdlog::info("camera {}: {}", o.from_camera, to_string(e));
    record(o, e, summary.settled_confidence, "camera " + std::to_string(o.from_camera));
    return e;
  }
  const auto faces = pipeline.analyse(image);
  if (faces.empty()) throw NotFoundError(o.from_image + ": no face found");
  // Faces come largest first: the nearest person is the listener.
  const FaceEmotion& listener = faces.front();
  spdlog::info("{}: {} face(s); the largest looks {}", o.from_image, faces.size(),
               to_string(listener.emotion()));
  record(o, listener.emotion(), settled_confidence({listener}, listener.emotion()),
         o.from_image == "-" ? "standard input" : fs::path(o.from_image).filename().string());
  return listener.emotion();
#else
  throw UnavailableError("--from-image/--from-camera: this emomusic was built without vision");
#endif
}

}  // namespace

void setup_recommend(CLI::App& app, Command& command) {
  auto options = std::make_shared<RecommendOptions>();
  auto* sub = app.add_subcommand(
      "recommend",
      "Recommend music for an emotion. Without an imported catalog, picks from the shipped "
      "starter catalog (moods estimated by the project).\n"
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
  sub->add_option("--model", options->models,
                  "Emotion model for --from-image/--from-camera (repeat: an ensemble)");
  add_prior_power_option(*sub, options->prior_power);
  from_image->excludes(from_camera)->excludes("--emotion");
  from_camera->excludes("--emotion");
  sub->add_option("--mode", options->mode,
                  "match (mood-congruent) or lift (iso principle: from the mood to --target); "
                  "default per emotion, see docs/music.md")
      ->check(CLI::IsMember(music::strategy_names()));
  sub->add_option("--target", options->target, "Mood a lift ends at (calm, happy, energetic, …)");
  sub->add_option("--steps", options->steps, "Stages of a lift, start and end included")
      ->capture_default_str()
      ->check(in_range(session::kStepsRange));
  sub->add_option("-n,--limit", options->limit, "Tracks in the playlist")
      ->capture_default_str()
      ->check(in_range(session::kLimitRange));
  sub->add_option("--catalog", options->catalog,
                  "Catalog file (default: $XDG_DATA_HOME/emomusic/catalog.db)");
  sub->add_option("--mapping", options->mapping, "Emotion→music mapping JSON (default: shipped)");
  sub->add_option("--genre", options->genre, "Only tracks whose genre contains this");
  sub->add_option("--artist", options->artist, "Only tracks by an artist whose name contains this");
  sub->add_option("--year", options->year,
                  "Only tracks from this year or range: 1999, 1990-1999, 1990-, -1999");
  sub->add_flag("--no-explicit", options->no_explicit, "Leave out tracks marked explicit");
  sub->add_option("--max-per-artist", options->max_per_artist,
                  "At most this many tracks per artist")
      ->capture_default_str()
      ->check(in_range(session::kMaxPerArtistRange));
  sub->add_option("--diversity", options->diversity,
                  "0..1: how strongly to avoid tracks that sound like ones already picked (MMR)")
      ->capture_default_str()
      ->check(in_range(session::kDiversityRange));
  sub->add_option("--popularity-weight", options->popularity_weight,
                  "Prefer popular tracks: adds weight*(1-popularity/100) to the distance")
      ->capture_default_str()
      ->check(in_range(session::kPopularityWeightRange));
  sub->add_option("--variety", options->variety,
                  "Random jitter added to distances so runs differ (0 = always the same)")
      ->capture_default_str()
      ->check(in_range(session::kVarietyRange));
  sub->add_option("--seed", options->seed, "Seed for repeatable output")
      ->check(in_range(session::kSeedRange));
  sub->add_option("-f,--format", options->format, join_names(music::playlist_format_names()))
      ->capture_default_str()
      ->check(CLI::IsMember(music::playlist_format_names()));
  sub->add_flag("--no-feedback", options->no_feedback,
                "Ignore your likes and skips (`emomusic feedback`) for this emotion");
  sub->add_option("--history-db", options->history_db,
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
  using namespace emomusic::music;
  // Everything the command line decides is checked before stdin, the mapping or the catalog.
  const PlaylistFormat format = playlist_format_from_string(o.format);
  std::optional<Strategy> strategy;
  if (!o.mode.empty()) strategy = strategy_from_string(o.mode);
  TrackFilter filter{o.genre, o.artist, o.no_explicit, 0, 0};
  if (!o.year.empty()) with_hint<UsageError>("--year", [&] { filter.set_years(o.year); });

  session::PlaylistRequest request;
  request.strategy = strategy;
  request.target = o.target;
  request.steps = o.steps;
  request.limit = o.limit;
  request.filter = filter;
  request.max_per_artist = o.max_per_artist;
  request.diversity = o.diversity;
  request.popularity_weight = o.popularity_weight;
  request.variety = o.variety;
  if (o.seed >= 0) request.seed = static_cast<std::uint64_t>(o.seed);
  request.use_feedback = !o.no_feedback;
  request.history = o.history_db;

  request.emotion = emotion_of(o);
  const MoodMapping mapping =
      o.mapping.empty() ? with_hint<InputError>("--mapping FILE names one",
                                                [] { return MoodMapping::load_default(); })
                        : MoodMapping::load(o.mapping);
  std::optional<std::filesystem::path> catalog;
  if (!o.catalog.empty()) catalog = o.catalog;
  // An empty --catalog: say how to fill it, or how to fall back on the starter catalog.
  const Candidates candidates =
      catalog ? with_hint<NotFoundError>("`emomusic catalog import --catalog " + o.catalog +
                                             " FILE.csv` fills it; without --catalog the starter "
                                             "catalog is used",
                                         [&] { return load_candidates(catalog); })
              : load_candidates(catalog);

#ifdef EMOMUSIC_WITH_SPOTIFY
  std::unique_ptr<spotify::SpotifyClient> client;
  if (!o.no_spotify || !o.create_playlist.empty()) {
    try {
      client = std::make_unique<spotify::SpotifyClient>(spotify_config(o.spotify),
                                                        spotify::load_credentials(false));
    } catch (const UsageError& e) {
      if (!o.create_playlist.empty()) throw;
      spdlog::debug("Spotify not used: {}", e.what());
    }
  }
  spotify::SpotifyClient* top_up = o.no_spotify ? nullptr : client.get();
#else
  if (!o.create_playlist.empty()) {
    throw UnavailableError("--create-playlist: this emomusic was built without Spotify support");
  }
  spotify::SpotifyClient* top_up = nullptr;
#endif
  const session::Playlist result = session::make_playlist(request, mapping, candidates, top_up);
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
  if (!result.spotify_failure.empty()) {
    spdlog::warn("could not add tracks from Spotify: {}", result.spotify_failure);
  }
  const auto& playlist = result.tracks;
  if (static_cast<int>(playlist.size()) < o.limit) {
    spdlog::warn("only {} of {} tracks: the filters or --max-per-artist {} leave no more",
                 playlist.size(), o.limit, o.max_per_artist);
  }
  write_playlist(std::cout, playlist, format);
#ifdef EMOMUSIC_WITH_SPOTIFY
  if (!o.create_playlist.empty()) {
    std::cout.flush();
    const auto saved = session::save_to_spotify(*client, o.create_playlist, result);
    // stderr, so that stdout stays one playlist in the chosen format.
    std::cerr << "created Spotify playlist \"" << o.create_playlist << "\" (" << saved.tracks_added
              << " tracks";
    if (saved.tracks_left_out > 0) {
      std::cerr << "; " << saved.tracks_left_out << " catalog tracks without a Spotify id left out";
    }
    std::cerr << "): " << saved.url << std::endl;
  }
#endif
  return 0;
}

}  // namespace emomusic::app
