#include "emomusic/music/ranking.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"

namespace emomusic::music {

namespace {

bool contains_lower(const std::string& haystack, const std::string& lower_needle) {
  return ascii_lower(haystack).find(lower_needle) != std::string::npos;
}

// The same recording often appears under several ids (single, album, compilation); a playlist
// should hold it once.
std::string recording_key(const Track& t) {
  return ascii_lower(t.name) + '\x1f' +
         (t.artists.empty() ? std::string() : ascii_lower(t.artists.front()));
}

int parse_year(std::string_view text, std::string_view range) {
  const bool digits =
      text.size() == 4 &&
      std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  if (!digits) {
    throw UsageError("year range '" + excerpt(range) +
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

// How far apart (in feature distance) two tracks must be to stop sounding alike. Similarity falls
// off exponentially with this scale: a linear 1 − distance would cancel against the distance term
// and make MMR trade nothing.
constexpr double kSimilarityScale = 0.03;

// A track's or target's features on a common 0..1 scale (tempo mapped over the weights' range),
// packed so that scanning 100k tracks per waypoint stays in cache. NaN = unknown.
using Point = std::array<double, 5>;

Point point_of(const FeatureTarget& f, const FeatureWeights& w) {
  const double tempo =
      known(f.tempo)
          ? std::clamp((f.tempo - w.tempo_min_bpm) / (w.tempo_max_bpm - w.tempo_min_bpm), 0.0, 1.0)
          : kUnknownFeature;
  return {f.valence, f.energy, f.danceability, f.acousticness, tempo};
}

Point point_of(const Track& t, const FeatureWeights& w) {
  return point_of(FeatureTarget{t.valence, t.energy, t.danceability, t.tempo, t.acousticness}, w);
}

double distance(const Point& a, const Point& b, const Point& weight) {
  double sum = 0;
  double total = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (weight[k] <= 0 || !known(a[k]) || !known(b[k])) continue;
    sum += weight[k] * (a[k] - b[k]) * (a[k] - b[k]);
    total += weight[k];
  }
  return total > 0 ? std::sqrt(sum / total) : 0.0;
}

Point weights_of(const FeatureWeights& w) {
  return {w.valence, w.energy, w.danceability, w.acousticness, w.tempo};
}

// A uniform value in [0, 1) from (seed, a, b): the jitter of one track at one waypoint. A hash
// (splitmix64's finaliser) costs a fraction of a Mersenne-Twister draw per track.
double hash_unit(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (a + 1) + 0xBF58476D1CE4E5B9ull * (b + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

// How feedback scales one track's distance, and what it adds: see kLikedTrackScale.
struct FeedbackEffect {
  double scale = 1.0;
  double penalty = 0.0;
};

// The feedback's artist names lower-cased once, so each track costs a set lookup per artist.
class FeedbackRules {
 public:
  explicit FeedbackRules(const Feedback& f) : feedback_(f) {
    for (const auto& a : f.liked_artists) liked_artists_.insert(ascii_lower(a));
    for (const auto& a : f.skipped_artists) skipped_artists_.insert(ascii_lower(a));
  }

  FeedbackEffect effect(const Track& t) const {
    if (feedback_.liked_tracks.count(t.id)) return {kLikedTrackScale, 0.0};
    if (liked_artists_.empty() && skipped_artists_.empty()) return {};
    bool liked_artist = false;
    for (const auto& a : t.artists) {
      const std::string name = ascii_lower(a);
      if (skipped_artists_.count(name)) return {kSkippedArtistScale, kSkippedArtistPenalty};
      liked_artist = liked_artist || liked_artists_.count(name) > 0;
    }
    return liked_artist ? FeedbackEffect{kLikedArtistScale, 0.0} : FeedbackEffect{};
  }

 private:
  const Feedback& feedback_;
  std::set<std::string> liked_artists_;
  std::set<std::string> skipped_artists_;
};

struct Candidate {
  std::size_t slot;  // index into the eligible list
  double cost;       // distance plus popularity term plus jitter: what ranking minimises
  double distance;   // reported as the "why"
  double preferred;  // the distance scaled by feedback: a match's tracks are listed by it
};

// One of the few hundred nearest candidates that the MMR stage chooses from.
struct Finalist {
  Candidate candidate;
  std::string recording;
  std::vector<std::string> artists;  // lower-case
  double similarity = 0;             // to the most similar track already chosen
};

}  // namespace

bool TrackFilter::matches(const Track& t) const {
  if (no_explicit && t.explicit_lyrics) return false;
  if ((year_from || year_to) && t.year == 0) return false;
  if (year_from && t.year < year_from) return false;
  if (year_to && t.year > year_to) return false;
  if (!language.empty() && t.language != language) return false;
  if (!genre.empty() && !contains_lower(t.genre, ascii_lower(genre))) return false;
  if (!artist.empty()) {
    const std::string wanted = ascii_lower(artist);
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
    throw UsageError("year range '" + excerpt(range) + "' ends before it starts");
  }
}

void TrackFilter::set_language(std::string_view text) {
  if (trim_whitespace(text).empty()) {
    language.clear();
    return;
  }
  auto code = normalize_language(text);
  if (!code) {
    throw UsageError("language '" + excerpt(text) +
                     "' is not a two-letter ISO 639-1 code (en, es, pt-BR) or a known name "
                     "(English, Spanish)");
  }
  language = std::move(*code);
}

std::string TrackFilter::describe() const {
  std::string d;
  // Quoted short: they are the listener's words, of any length and any bytes.
  if (!genre.empty()) d += ", genre '" + excerpt(genre) + "'";
  if (!artist.empty()) d += ", artist '" + excerpt(artist) + "'";
  if (no_explicit) d += ", no explicit tracks";
  if (year_from || year_to) {
    d += ", years " + (year_from ? std::to_string(year_from) : "") + "-" +
         (year_to ? std::to_string(year_to) : "");
  }
  if (!language.empty()) d += ", language " + excerpt(language);
  return d.empty() ? "(no filter)" : d.substr(2);
}

double feature_distance(const Track& track, const FeatureTarget& target, const FeatureWeights& w) {
  return distance(point_of(track, w), point_of(target, w), weights_of(w));
}

void check_rank_settings(const RankSettings& s) {
  check_range(s.limit, kLimitRange, "the playlist length");
  check_range(s.max_per_artist, kMaxPerArtistRange, "the tracks per artist");
  check_range(s.diversity, kDiversityRange, "the diversity");
  check_range(s.popularity_weight, kPopularityWeightRange, "the popularity weight");
  check_range(s.variety, kVarietyRange, "the variety");
}

std::vector<Recommendation> recommend(const std::vector<Track>& tracks,
                                      const std::vector<Waypoint>& waypoints,
                                      const FeatureWeights& weights, const TrackFilter& filter,
                                      const RankOptions& options) {
  std::vector<std::size_t> eligible;
  std::vector<Point> points;
  std::vector<double> unpopularity;
  std::vector<FeedbackEffect> effects;  // stays empty without feedback: nothing to look up
  const FeedbackRules rules(options.feedback);
  const bool with_feedback = !options.feedback.empty();
  std::size_t skipped = 0;
  eligible.reserve(tracks.size());
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    if (!filter.matches(tracks[i])) continue;
    if (options.feedback.skips(tracks[i])) {
      ++skipped;
      continue;
    }
    eligible.push_back(i);
    points.push_back(point_of(tracks[i], weights));
    const int pop = tracks[i].popularity;
    unpopularity.push_back(1.0 - (pop >= 0 ? pop / 100.0 : 0.5));
    if (with_feedback) effects.push_back(rules.effect(tracks[i]));
  }
  if (eligible.empty()) {
    const std::string searched = std::to_string(tracks.size()) + " tracks searched)";
    if (skipped) {
      throw NotFoundError("every track in the catalog that passes " + filter.describe() +
                          " was skipped before for this mood (" + std::to_string(skipped) +
                          " skipped, " + searched);
    }
    throw NotFoundError("no track in the catalog passes " + filter.describe() + " (" + searched);
  }
  if (waypoints.empty() || options.limit <= 0) return {};

  const Point weight = weights_of(weights);
  std::vector<bool> used(eligible.size(), false);
  std::set<std::string> recordings;
  std::map<std::string, int> per_artist;
  std::vector<std::size_t> chosen;  // slots over all waypoints, for diversity across the playlist
  std::vector<Recommendation> playlist;

  const int n = static_cast<int>(waypoints.size());
  for (int w = 0; w < n; ++w) {
    const Waypoint& waypoint = waypoints[static_cast<std::size_t>(w)];
    const Point target = point_of(waypoint.target, weights);
    // Spread the limit evenly; earlier steps take the remainder.
    const int quota = options.limit / n + (w < options.limit % n ? 1 : 0);

    std::vector<Candidate> pool;
    pool.reserve(eligible.size());
    for (std::size_t slot = 0; slot < eligible.size(); ++slot) {
      if (used[slot]) continue;
      const double d = distance(points[slot], target, weight);
      const double ranked_d = with_feedback ? d * effects[slot].scale + effects[slot].penalty : d;
      pool.push_back({slot,
                      ranked_d + options.popularity_weight * unpopularity[slot] +
                          options.variety * hash_unit(options.seed, slot, static_cast<unsigned>(w)),
                      d, ranked_d});
    }
    // MMR only needs the nearest few hundred; a full sort of 100k tracks would dominate the time.
    const std::size_t keep = std::min(pool.size(), static_cast<std::size_t>(quota) * 20 + 100);
    auto by_cost = [](const Candidate& a, const Candidate& b) { return a.cost < b.cost; };
    if (keep < pool.size()) {
      std::nth_element(pool.begin(), pool.begin() + static_cast<long>(keep), pool.end(), by_cost);
      pool.resize(keep);
    }
    std::sort(pool.begin(), pool.end(), by_cost);
    std::vector<Finalist> finalists;
    finalists.reserve(pool.size());
    for (const Candidate& c : pool) {
      Finalist f{c, recording_key(tracks[eligible[c.slot]]), {}, 0.0};
      for (const auto& a : tracks[eligible[c.slot]].artists) f.artists.push_back(ascii_lower(a));
      for (std::size_t s : chosen) {
        f.similarity =
            std::max(f.similarity,
                     std::exp(-distance(points[c.slot], points[s], weight) / kSimilarityScale));
      }
      finalists.push_back(std::move(f));
    }

    std::vector<std::pair<double, Recommendation>> stage;  // (preferred distance, pick)
    for (int picked = 0; picked < quota; ++picked) {
      double best_score = 0;
      const Finalist* best = nullptr;
      for (const Finalist& f : finalists) {
        if (used[f.candidate.slot] || recordings.count(f.recording)) continue;
        const bool capped = std::any_of(f.artists.begin(), f.artists.end(), [&](const auto& a) {
          auto it = per_artist.find(a);
          return it != per_artist.end() && it->second >= options.max_per_artist;
        });
        if (capped) continue;
        const double score =
            (1.0 - options.diversity) * f.candidate.cost + options.diversity * f.similarity;
        if (!best || score < best_score) {
          best = &f;
          best_score = score;
        }
      }
      if (!best) break;  // the cap or the filters leave no more tracks
      const std::size_t slot = best->candidate.slot;
      used[slot] = true;
      chosen.push_back(slot);
      recordings.insert(best->recording);
      for (const auto& a : best->artists) ++per_artist[a];
      stage.push_back(
          {best->candidate.preferred,
           {tracks[eligible[slot]], best->candidate.distance, waypoint.label, w + 1, n}});
      for (auto& f : finalists) {
        f.similarity = std::max(
            f.similarity,
            std::exp(-distance(points[f.candidate.slot], points[slot], weight) / kSimilarityScale));
      }
    }
    if (n == 1) {
      // Nearest first; a liked track is listed as near as feedback made it, so that it moves up
      // the list and not only into it. Without feedback this is the feature distance.
      std::stable_sort(stage.begin(), stage.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
    } else {
      const FeatureTarget& from = waypoints.front().target;
      const FeatureTarget& to = waypoints.back().target;
      std::stable_sort(stage.begin(), stage.end(), [&](const auto& a, const auto& b) {
        return along(a.second.track, from, to) < along(b.second.track, from, to);
      });
    }
    for (auto& r : stage) playlist.push_back(std::move(r.second));
  }
  return playlist;
}

std::size_t drop_skipped(std::vector<Recommendation>& playlist, const Feedback& feedback) {
  const auto before = playlist.size();
  playlist.erase(std::remove_if(playlist.begin(), playlist.end(),
                                [&](const Recommendation& r) { return feedback.skips(r.track); }),
                 playlist.end());
  return before - playlist.size();
}

}  // namespace emomusic::music
