#!/usr/bin/env bash
# Runs the fuzz tests (tests/fuzz) for longer than CI does, in an ASan/UBSan build, so that memory
# errors surface as well as escaping exceptions.
#   scripts/fuzz.sh              200000 inputs per target unit
#   EMOMUSIC_FUZZ_ITERATIONS=N   inputs per target unit (CI runs 10000)
#   EMOMUSIC_FUZZ_FAILURES=DIR   where failing inputs are saved (default: the temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${EMOMUSIC_FUZZ_BUILD_DIR:-build-fuzz}
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer"
[ -f "$BUILD_DIR/build.ninja" ] || cmake -S . -B "$BUILD_DIR" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS="$SAN" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined"
cmake --build "$BUILD_DIR" -j"$(nproc)" --target test_fuzz
export EMOMUSIC_FUZZ_ITERATIONS=${EMOMUSIC_FUZZ_ITERATIONS:-200000}
# LibTorch's own start-up leaks are not ours; UBSan findings stop the run.
ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "$BUILD_DIR/tests/fuzz/test_fuzz"
