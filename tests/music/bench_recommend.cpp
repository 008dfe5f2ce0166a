// Benchmark: ranking a generated catalog (100k tracks by default) for a match and for a 4-step
// lift, as `recommend` does after loading. The goal is under 50 ms per playlist.
// Usage: bench_recommend [tracks] [runs]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "emomusic/music/ranking.hpp"
#include "music_fixtures.hpp"

using namespace emomusic;
using namespace emomusic::music;

namespace {

std::vector<Track> generate(int n) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const char* genres[] = {"pop", "rock", "hip hop", "jazz", "metal", "acoustic", "edm", "soul"};
  std::vector<Track> tracks(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    Track& t = tracks[static_cast<std::size_t>(i)];
    t.id = music::test::make_id(i);
    t.name = "Track " + std::to_string(i);
    t.artists = {"Artist " + std::to_string(rng() % static_cast<unsigned>(std::max(1, n / 5)))};
    t.genre = genres[rng() % 8];
    t.year = 1960 + static_cast<int>(rng() % 64);
    t.popularity = static_cast<int>(rng() % 101);
    t.explicit_lyrics = rng() % 7 == 0;
    t.valence = unit(rng);
    t.energy = unit(rng);
    t.danceability = unit(rng);
    t.acousticness = unit(rng);
    t.tempo = 60 + 140 * unit(rng);
  }
  return tracks;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 20;
  const auto tracks = generate(n);

  FeatureWeights weights;
  weights.danceability = weights.acousticness = 0.3;
  weights.tempo = 0.1;
  const FeatureTarget happy{0.8, 0.7, 0.75, kUnknownFeature, 0.15};
  const FeatureTarget sad{0.25, 0.35, 0.45, kUnknownFeature, 0.6};
  std::vector<Waypoint> lift;
  for (int i = 0; i < 4; ++i) {
    const double s = i / 3.0;
    lift.push_back(
        {"lift",
         {sad.valence + (happy.valence - sad.valence) * s,
          sad.energy + (happy.energy - sad.energy) * s,
          sad.danceability + (happy.danceability - sad.danceability) * s, kUnknownFeature,
          sad.acousticness + (happy.acousticness - sad.acousticness) * s}});
  }
  TrackFilter no_explicit;
  no_explicit.no_explicit = true;

  struct Case {
    const char* name;
    std::vector<Waypoint> path;
    TrackFilter filter;
  };
  const Case cases[] = {{"match happy, limit 20", {{"happy", happy}}, {}},
                        {"lift sad→happy, 4 steps, limit 20", lift, {}},
                        {"match happy --no-explicit, limit 20", {{"happy", happy}}, no_explicit}};
  std::printf("catalog: %d generated tracks, %d runs per case\n", n, runs);
  bool within = true;
  for (const auto& c : cases) {
    std::vector<double> ms;
    for (int r = 0; r < runs; ++r) {
      RankOptions options;
      options.seed = static_cast<std::uint64_t>(r);
      const auto start = std::chrono::steady_clock::now();
      const auto playlist = recommend(tracks, c.path, weights, c.filter, options);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
      if (playlist.size() != 20)
        std::fprintf(stderr, "unexpected playlist size %zu\n", playlist.size());
    }
    const double med = median(ms);
    within = within && med < 50.0;
    std::printf("%-38s median %7.2f ms   max %7.2f ms\n", c.name, med,
                *std::max_element(ms.begin(), ms.end()));
  }
  std::printf("goal < 50 ms median: %s\n", within ? "met" : "NOT met");
  return within ? 0 : 1;
}
