#include "music_fixtures.hpp"

namespace emomusic::music::test {

std::string make_id(int n) {
  std::string digits = std::to_string(n);
  return std::string(22 - digits.size(), 'A') + digits;
}

std::string moods_row(const std::string& id, const std::string& name, const std::string& artist,
                      const std::string& valence, const std::string& energy,
                      const std::string& date) {
  return name + ",Album," + artist + "," + id + "," + date + ",68,379266,0.866,0.137," + energy +
         ",0,0.0843," + valence + ",-8.201,0.0767,118.523,5,4,Happy\n";
}

std::string tracks14k_row(int index, const std::string& id, const std::string& name,
                          const std::string& artist, const std::string& year,
                          const std::string& popularity) {
  return std::to_string(index) + "," + artist + "," + name + "," + id + "," + popularity + "," +
         year +
         ",0.896,0.586,10,-6.687,0,0.0559,0.104,0.0,0.79,0.642,116.971,audio_features,"
         "196653,4\n";
}

std::string kaggle_row(int index, const std::string& id, const std::string& artists,
                       const std::string& name, const std::string& genre,
                       const std::string& explicit_flag, const std::string& valence) {
  return std::to_string(index) + "," + id + "," + artists + ",Album," + name + ",73,230666," +
         explicit_flag + ",0.676,0.461,1,-6.746,0,0.143,0.0322,1.01e-06,0.358," + valence +
         ",87.917,4," + genre + "\n";
}

std::vector<Track> grid_tracks(int per_side) {
  std::vector<Track> tracks;
  int n = 0;
  for (int v = 0; v < per_side; ++v) {
    for (int e = 0; e < per_side; ++e) {
      Track t;
      t.id = make_id(n);
      t.name = "Track " + std::to_string(n);
      t.artists = {"Artist " + std::to_string(n)};
      t.valence = (v + 0.5) / per_side;
      t.energy = (e + 0.5) / per_side;
      t.popularity = 50;
      t.year = 1990 + n % 30;
      tracks.push_back(t);
      ++n;
    }
  }
  return tracks;
}

std::vector<Waypoint> at(double valence, double energy) {
  FeatureTarget t;
  t.valence = valence;
  t.energy = energy;
  return {{"target", t}};
}

RankOptions exact(int limit) {
  RankOptions o;
  o.limit = limit;
  o.variety = 0;
  o.diversity = 0;
  o.max_per_artist = 1000;
  return o;
}

std::vector<std::string> ids(const std::vector<Recommendation>& playlist) {
  std::vector<std::string> out;
  for (const auto& r : playlist) out.push_back(r.track.id);
  return out;
}

}  // namespace emomusic::music::test
