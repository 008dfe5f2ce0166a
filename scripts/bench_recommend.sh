#!/usr/bin/env bash
# Benchmark: ranking a generated 100k-track catalog (goal: < 50 ms per playlist, median).
# Builds the benchmark first; configures (Release) only a build folder that has no configuration.
# Usage: scripts/bench_recommend.sh [tracks] [runs]    (BUILD_DIR=build by default)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEMOMUSIC_BUILD_TESTS=ON
fi
cmake --build "$BUILD_DIR" --target bench_recommend -j2
"$BUILD_DIR/tests/music/bench_recommend" "${1:-100000}" "${2:-20}"
