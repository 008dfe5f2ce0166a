#!/usr/bin/env bash
# End-to-end detect FPS per detector on a 640x480 one-face video, and per-face classification
# latency. Usage: scripts/bench_detect.sh [--frames N] [--model FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target bench_detect
exec build/tests/vision/bench_detect "$@"
