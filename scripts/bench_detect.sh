#!/usr/bin/env bash
# End-to-end detect FPS per detector on a 640x480 one-face video, and per-face classification
# latency. Usage: scripts/bench_detect.sh [--frames N] [--model FILE]   (BUILD_DIR=build by default)
# Builds the benchmark first; configures (Release) only a build folder that has no configuration,
# so that an existing Debug or sanitizer build is never switched.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEMOMUSIC_BUILD_TESTS=ON >/dev/null
fi
cmake --build "$BUILD_DIR" -j2 --target bench_detect
exec "$BUILD_DIR/tests/vision/bench_detect" "$@"
