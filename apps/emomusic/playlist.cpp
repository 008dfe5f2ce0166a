#include "playlist.hpp"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "emomusic/core/bounded_input.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/music/spotify/client.hpp"
#include "emomusic/music/spotify/uri_list.hpp"

namespace emomusic::app {

void setup_playlist(CLI::App& app, Command& command) {
  auto options = std::make_shared<PlaylistOptions>();
  auto* playlist = &app;
  playlist->require_subcommand(1);
  auto* create = playlist->add_subcommand(
      "create", "Create a private playlist from track URIs; prints its link (needs `login`)");
  create->add_option("name", options->name, "Name of the new playlist")->required();
  create
      ->add_option("--uris-from", options->uris_from,
                   "File with one spotify:track: URI per line, or - for stdin")
      ->capture_default_str();
  create->add_option("--description", options->description, "Playlist description")
      ->capture_default_str();
  create->add_flag("--json", options->json, "Print {id, uri, url, tracks_added} as JSON");
  add_spotify_options(*create, options->spotify);
  create->callback([options, &command] { command = [options] { return run_playlist(*options); }; });
}

int run_playlist(const PlaylistOptions& options) {
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

}  // namespace emomusic::app
