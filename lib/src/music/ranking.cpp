#include "emomusic/music/ranking.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "emomusic/core/error.hpp"

namespace emomusic::music {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool contains_lower(const std::string& haystack, const std::string& lower_needle) {
  return lower(haystack).find(lower_needle) != std::string::npos;
}

FeatureTarget features_of(const Track& t) {
  return {t.valence, t.energy, t.danceability, t.tempo, t.acousticness};
}

// The same recording often appears under several ids (single, album, compilation); a playlist
// should hold it once.
std::string recording_key(const Track& t) {
  return lower(t.name) + '\x1f' + (t.artists.empty() ? std::string() : lower(t.artists.front()));
}

int parse_year(std::string_view text, std::string_view range) {
  const bool digits =
      text.size() == 4 &&
      std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  if (!digits) {
    throw UsageError("--year '" + std::string(range) +
                     "' is not a year or range (1999, 1990-1999, 1990-, -1999)");
  }
  return std::stoi(std::string(text));
}

// Progress of a track along a lift, for ordering within a step: its position projected on the
// valence/energy line from the first waypoint to the last.
double along(const Track& t, const FeatureTarget& from, const FeatureTarget& to) {
  const double dv = to.valence - from.valence;
  const double de = to.energy - from.energy;
  const double len2 = dv * dv + de * de;
  if (len2 == 0) return 0;
  return ((t.valence - from.valence) * dv + (t.energy - from.energy) * de) / len2;
}

struct Candidate {
  std::size_t index;
  double cost;      // distance plus popularity term plus jitter: what ranking minimises
  double distance;  // reported "why"
};

}  // namespace

bool TrackFilter::matches(const Track& t) const {
  if (no_explicit && t.explicit_lyrics) return false;
  if ((year_from || year_to) && t.year == 0) return false;
  if (year_from && t.year < year_from) return false;
  if (year_to && t.year > year_to) return false;
  if (!genre.empty() && !contains_lower(t.genre, lower(genre))) return false;
  if (!artist.empty()) {
    const std::string wanted = lower(artist);
    if (std::none_of(t.artists.begin(), t.artists.end(),
                     [&](const std::string& a) { return contains_lower(a, wanted); })) {
      return false;
    }
  }
  return true;
}

void TrackFilter::set_years(std::string_view range) {
  const auto dash = range.find('-');
  if (dash == std::string_view::npos) {
    year_from = year_to = parse_year(range, range);
    return;
  }
  const auto from = range.substr(0, dash);
  const auto to = range.substr(dash + 1);
  if (from.empty() && to.empty()) parse_year(from, range);  // throws: "-" alone
  year_from = from.empty() ? 0 : parse_year(from, range);
  year_to = to.empty() ? 0 : parse_year(to, range);
  if (year_from && year_to && year_from > year_to) {
    throw UsageError("--year '" + std::string(range) + "': the range ends before it starts");
  }
}

std::string TrackFilter::describe() const {
  std::string d;
  if (!genre.empty()) d += " --genre " + genre;
  if (!artist.empty()) d += " --artist " + artist;
  if (no_explicit) d += " --no-explicit";
  if (year_from || year_to) {
    d += " --year " + (year_from ? std::to_string(year_from) : "") + "-" +
         (year_to ? std::to_string(year_to) : "");
  }
  return d.empty() ? "(no filter)" : d.substr(1);
}

double feature_distance(const Track& track, const FeatureTarget& target, const FeatureWeights& w) {
  double sum = 0;
  double weight = 0;
  auto add = [&](double have, double want, double wt) {
    if (wt <= 0 || !known(have) || !known(want)) return;
    sum += wt * (have - want) * (have - want);
    weight += wt;
  };
  const double span = w.tempo_max_bpm - w.tempo_min_bpm;
  auto scaled_tempo = [&](double bpm) {
    return known(bpm) ? std::clamp((bpm - w.tempo_min_bpm) / span, 0.0, 1.0) : kUnknownFeature;
  };
  add(track.valence, target.valence, w.valence);
  add(track.energy, target.energy, w.energy);
  add(track.danceability, target.danceability, w.danceability);
  add(track.acousticness, target.acousticness, w.acousticness);
  add(scaled_tempo(track.tempo), scaled_tempo(target.tempo), w.tempo);
  return weight > 0 ? std::sqrt(sum / weight) : 0.0;
}

std::vector<Recommendation> recommend(const std::vector<Track>& tracks,
                                      const std::vector<Waypoint>& waypoints,
                                      const FeatureWeights& weights, const TrackFilter& filter,
                                      const RankOptions& options) {
  std::vector<std::size_t> eligible;
  eligible.reserve(tracks.size());
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    if (filter.matches(tracks[i])) eligible.push_back(i);
  }
  if (eligible.empty()) {
    throw NotFoundError("no track in the catalog passes " + filter.describe() + " (" +
                        std::to_string(tracks.size()) + " tracks searched)");
  }
  if (waypoints.empty() || options.limit <= 0) return {};

  std::mt19937_64 rng(options.seed);
  std::uniform_real_distribution<double> jitter(0.0, options.variety);
  std::vector<bool> used(tracks.size(), false);
  std::set<std::string> recordings;
  std::map<std::string, int> per_artist;
  std::vector<std::size_t> chosen;  // over all waypoints, for diversity across the playlist
  std::vector<Recommendation> playlist;

  const int n = static_cast<int>(waypoints.size());
  for (int w = 0; w < n; ++w) {
    const FeatureTarget& target = waypoints[static_cast<std::size_t>(w)].target;
    // Spread the limit evenly; earlier steps take the remainder.
    const int quota = options.limit / n + (w < options.limit % n ? 1 : 0);

    std::vector<Candidate> pool;
    pool.reserve(eligible.size());
    for (std::size_t i : eligible) {
      if (used[i]) continue;
      const Track& t = tracks[i];
      const double d = feature_distance(t, target, weights);
      const double pop = t.popularity >= 0 ? t.popularity / 100.0 : 0.5;
      pool.push_back({i, d + options.popularity_weight * (1.0 - pop) + jitter(rng), d});
    }
    // MMR only needs the nearest few hundred; a full sort of 100k tracks would dominate the time.
    const std::size_t keep = std::min(pool.size(), static_cast<std::size_t>(quota) * 30 + 200);
    auto by_cost = [](const Candidate& a, const Candidate& b) { return a.cost < b.cost; };
    std::nth_element(pool.begin(), pool.begin() + static_cast<long>(keep) - (keep > 0), pool.end(),
                     by_cost);
    pool.resize(keep);
    std::sort(pool.begin(), pool.end(), by_cost);

    std::vector<Recommendation> stage;
    for (int picked = 0; picked < quota; ++picked) {
      double best_score = 0;
      std::size_t best = pool.size();
      for (std::size_t c = 0; c < pool.size(); ++c) {
        const Track& t = tracks[pool[c].index];
        if (used[pool[c].index] || recordings.count(recording_key(t))) continue;
        const bool capped = std::any_of(t.artists.begin(), t.artists.end(), [&](const auto& a) {
          auto it = per_artist.find(lower(a));
          return it != per_artist.end() && it->second >= options.max_per_artist;
        });
        if (capped) continue;
        double similarity = 0;
        for (std::size_t s : chosen) {
          similarity =
              std::max(similarity, 1.0 - feature_distance(t, features_of(tracks[s]), weights));
        }
        const double score =
            (1.0 - options.diversity) * pool[c].cost + options.diversity * similarity;
        if (best == pool.size() || score < best_score) {
          best = c;
          best_score = score;
        }
      }
      if (best == pool.size()) break;  // the cap or the filters leave no more tracks
      const std::size_t i = pool[best].index;
      used[i] = true;
      chosen.push_back(i);
      recordings.insert(recording_key(tracks[i]));
      for (const auto& a : tracks[i].artists) ++per_artist[lower(a)];
      stage.push_back(
          {tracks[i], pool[best].distance, waypoints[static_cast<std::size_t>(w)].label, w + 1, n});
    }
    if (n == 1) {
      std::stable_sort(stage.begin(), stage.end(),
                       [](const auto& a, const auto& b) { return a.distance < b.distance; });
    } else {
      const FeatureTarget& from = waypoints.front().target;
      const FeatureTarget& to = waypoints.back().target;
      std::stable_sort(stage.begin(), stage.end(), [&](const auto& a, const auto& b) {
        return along(a.track, from, to) < along(b.track, from, to);
      });
    }
    for (auto& r : stage) playlist.push_back(std::move(r));
  }
  return playlist;
}

}  // namespace emomusic::music
