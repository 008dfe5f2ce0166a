#include "playlist.hpp"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "emomusic/core/bounded_input.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/music/spotify/client.hpp"
#include "emomusic/music/spotify/uri_list.hpp"
#include "playlist_options.hpp"

namespace emomusic::app {

void setup_playlist(CLI::App& app, Command& command) {
  auto* playlist = &app;
  playlist->require_subcommand(1);

  auto create_options = std::make_shared<PlaylistCreateOptions>();
  auto* create = playlist->add_subcommand(
      "create", "Create a private playlist from track URIs; prints its link (needs `login`)");
  create->add_option("name", create_options->name, "Name of the new playlist")->required();
  create
      ->add_option("--uris-from", create_options->uris_from,
                   "File with one spotify:track: URI per line, or - for stdin")
      ->capture_default_str();
  create->add_option("--description", create_options->description, "Playlist description")
      ->capture_default_str();
  create->add_flag("--json", create_options->json, "Print {id, uri, url, tracks_added} as JSON");
  add_spotify_options(*create, create_options->spotify);
  create->callback([create_options, &command] {
    command = [create_options] { return run_playlist_create(*create_options); };
  });

  auto refresh_options = std::make_shared<PlaylistRefreshOptions>();
  auto* refresh = playlist->add_subcommand(
      "refresh",
      "Replace the tracks of your playlist NAME with a new playlist for an emotion (needs "
      "`login`); prints what changed");
  add_description(
      *refresh,
      "Adds the new tracks first, then removes the old ones that are not among them, so a "
      "failure never empties the playlist; tracks in both stay where they were, the new ones "
      "follow them. Takes `recommend`'s playlist options; docs/spotify.md has a weekly timer.\n"
      "Exit codes: 2 bad option, no credentials, not logged in or several playlists of yours with "
      "that name, 3 unreadable catalog/mapping/history, 6 Spotify failed (the message says what "
      "the playlist holds), 7 no such playlist of yours or no track fits, 8 catalog or history "
      "locked.");
  refresh->add_option("name", refresh_options->name, "Name of one of your Spotify playlists")
      ->required();
  refresh
      ->add_option("-e,--emotion", refresh_options->emotion,
                   "angry, disgust, fear, happy, sad, surprise, neutral (or 0-6)")
      ->required();
  add_playlist_options(*refresh, refresh_options->request, refresh_options->service);
  refresh->add_flag("--json", refresh_options->json,
                    "Print {id, url, added, removed, kept, left_out} as JSON");
  add_spotify_options(*refresh, refresh_options->spotify);
  refresh->callback([refresh_options, &command] {
    command = [refresh_options] { return run_playlist_refresh(*refresh_options); };
  });
}

int run_playlist_create(const PlaylistCreateOptions& options) {
  BoundedInput in(options.uris_from, kUriListLimit);
  const std::vector<std::string> uris = spotify::read_uri_list(
      in, options.uris_from == "-" ? std::string("stdin") : options.uris_from);
  if (uris.empty())
    throw InputError("no track URIs in " +
                     (options.uris_from == "-" ? std::string("stdin") : options.uris_from));

  spotify::SpotifyClient client(spotify_config(options.spotify));
  const auto created = client.create_playlist(options.name, uris, options.description);
  if (options.json) {
    std::cout << dump_json(spotify::to_json(created)) << "\n";
  } else {
    std::cout << created.url << "\n";
  }
  return 0;
}

int run_playlist_refresh(const PlaylistRefreshOptions& o) {
  // Everything the command line decides is checked before the mapping, the catalog or Spotify.
  session::check_request(o.request);
  session::PlaylistRequest request = o.request;
  request.emotion = emotion_from_string(o.emotion);
  session::RecommenderOptions service = o.service;
  service.spotify =
      session::SpotifyAccess{spotify_config(o.spotify), spotify::load_credentials(false)};
  const auto recommender = open_recommender(service);
  const session::Playlist playlist = recommender->recommend(request);
  const auto refreshed = with_hint<NotFoundError>(
      "`emomusic playlist create` or `emomusic recommend --create-playlist` makes one",
      [&] { return recommender->refresh(o.name, session::track_ids(playlist)); });
  if (o.json) {
    std::cout << dump_json(session::to_json(refreshed)) << "\n";
    return 0;
  }
  std::cout << "\"" << o.name << "\": " << refreshed.added << " added, " << refreshed.removed
            << " removed, " << refreshed.kept << " kept";
  if (refreshed.left_out > 0) {
    std::cout << " (" << refreshed.left_out << " catalog tracks without a Spotify id left out)";
  }
  std::cout << ": " << refreshed.url << "\n";
  return 0;
}

}  // namespace emomusic::app
