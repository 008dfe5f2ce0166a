#include "emomusic/music/candidates.hpp"

#include <nlohmann/json.hpp>

#include "emomusic/core/bounded_input.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/paths.hpp"
#include "emomusic/music/catalog.hpp"

namespace emomusic::music {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

double optional_feature(const json& entry, const char* key) {
  auto it = entry.find(key);
  return it == entry.end() || it->is_null() ? kUnknownFeature : it->get<double>();
}

Track starter_track(const json& e) {
  Track t;
  const std::string raw_id = e.at("id").get<std::string>();
  auto id = normalize_track_id(raw_id);
  if (!id) throw std::invalid_argument("id '" + raw_id + "' is not a Spotify track id");
  t.id = *id;
  t.name = e.at("name").get<std::string>();
  t.artists = e.at("artists").get<std::vector<std::string>>();
  if (t.name.empty() || t.artists.empty()) throw std::invalid_argument("name or artists empty");
  t.album = e.value("album", "");
  t.genre = merge_genres("", e.value("genre", ""));
  t.year = e.value("year", 0);
  t.explicit_lyrics = e.value("explicit", false);
  t.valence = e.at("valence").get<double>();
  t.energy = e.at("energy").get<double>();
  if (t.valence < 0 || t.valence > 1 || t.energy < 0 || t.energy > 1) {
    throw std::invalid_argument("valence and energy must lie in 0..1");
  }
  t.danceability = optional_feature(e, "danceability");
  t.tempo = optional_feature(e, "tempo");
  t.acousticness = optional_feature(e, "acousticness");
  return t;
}

}  // namespace

std::vector<Track> load_starter_catalog(const fs::path& path) {
  BoundedInput in(path, kStarterCatalogLimit);
  std::vector<Track> tracks;
  try {
    const json doc = json::parse(in);
    const json& list = doc.at("tracks");
    for (std::size_t i = 0; i < list.size(); ++i) {
      try {
        tracks.push_back(starter_track(list[i]));
      } catch (const std::exception& e) {
        throw InputError(path.string() + ": tracks[" + std::to_string(i) + "]: " + e.what());
      }
    }
  } catch (const json::exception& e) {
    throw InputError(path.string() + ": not a valid starter catalog: " + e.what());
  }
  return tracks;
}

Candidates load_candidates(const std::optional<fs::path>& catalog) {
  if (catalog) {
    const Catalog db(*catalog, Catalog::Mode::kReadOnly);
    Candidates c{db.all_tracks(), "catalog " + catalog->string(), false};
    if (c.tracks.empty()) {
      throw NotFoundError("catalog " + catalog->string() + " holds no tracks; import some into it");
    }
    c.source += " (" + std::to_string(c.tracks.size()) + " tracks)";
    return c;
  }
  const fs::path default_path = default_catalog_path();
  if (fs::exists(default_path)) {
    const Catalog db(default_path, Catalog::Mode::kReadOnly);
    auto tracks = db.all_tracks();
    if (!tracks.empty()) {
      const std::string source =
          "catalog " + default_path.string() + " (" + std::to_string(tracks.size()) + " tracks)";
      return {std::move(tracks), source, false};
    }
  }
  const auto starter = find_shipped_file("data/starter_catalog.json");
  if (!starter) {
    throw NotFoundError("no tracks: " + default_path.string() +
                        " holds none and the shipped data/starter_catalog.json was not found; "
                        "import a CSV with `emomusic catalog import FILE.csv`");
  }
  auto tracks = load_starter_catalog(*starter);
  const std::string source = "starter catalog " + starter->string() + " (" +
                             std::to_string(tracks.size()) +
                             " tracks, moods estimated by the project; import a dataset with "
                             "`emomusic catalog import` for better picks)";
  return {std::move(tracks), source, true};
}

}  // namespace emomusic::music
