#pragma once
// Generated CSV fixtures in the three known layouts, shared by the music tests.

#include <string>
#include <vector>

#include "emomusic/music/ranking.hpp"
#include "emomusic/music/track.hpp"

namespace emomusic::music::test {

/// A valid, distinct 22-character Spotify-style id for `n`.
std::string make_id(int n);

inline const char* kMoodsHeader =
    "name,album,artist,id,release_date,popularity,length,danceability,acousticness,energy,"
    "instrumentalness,liveness,valence,loudness,speechiness,tempo,key,time_signature,mood\n";
inline const char* kTracks14kHeader =
    ",artist,track,track_id,popularity,year,danceability,energy,key,loudness,mode,speechiness,"
    "acousticness,instrumentalness,liveness,valence,tempo,type,duration_ms,time_signature\n";
inline const char* kKaggleHeader =
    ",track_id,artists,album_name,track_name,popularity,duration_ms,explicit,danceability,energy,"
    "key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,"
    "time_signature,track_genre\n";

/// One data row of each layout; the strings are inserted verbatim (quote them yourself).
std::string moods_row(const std::string& id, const std::string& name, const std::string& artist,
                      const std::string& valence = "0.6", const std::string& energy = "0.7",
                      const std::string& date = "27-10-1982");
std::string tracks14k_row(int index, const std::string& id, const std::string& name,
                          const std::string& artist, const std::string& year = "2019",
                          const std::string& popularity = "80");
std::string kaggle_row(int index, const std::string& id, const std::string& artists,
                       const std::string& name, const std::string& genre,
                       const std::string& explicit_flag = "False",
                       const std::string& valence = "0.7");

/// A catalog-like list for ranking: tracks on a valence × energy grid, one artist each.
std::vector<Track> grid_tracks(int per_side);

/// One waypoint at (valence, energy): a ranking target with only those two features.
std::vector<Waypoint> at(double valence, double energy);

/// Rank options that rank by distance alone: no randomness, no diversity, no artist cap.
RankOptions exact(int limit);

/// The track ids of a playlist, in order.
std::vector<std::string> ids(const std::vector<Recommendation>& playlist);

}  // namespace emomusic::music::test
