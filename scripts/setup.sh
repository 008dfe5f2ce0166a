#!/usr/bin/env bash
# Installs emomusic's dependencies (Debian 12 packages), builds it in Release, and runs the main
# job on built-in defaults. Safe to re-run.
#   scripts/setup.sh            install + build + run
#   EMOMUSIC_SKIP_INSTALL=1     skip apt-get (packages already there)
#   EMOMUSIC_BUILD_DIR=DIR      build folder (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${EMOMUSIC_BUILD_DIR:-build}

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libtorch-dev            # LibTorch 1.13 (CPU)
  libgloo-dev             # Gloo headers: data-parallel training on LibTorch's c10d (EMOMUSIC_WITH_DISTRIBUTED)
  libopenblas0-openmp     # optimised BLAS: LibTorch's linear layers are ~2.4x faster than with reference BLAS
  libopencv-dev opencv-data  # face detection (Haar/LBP cascades) and video I/O
  libcli11-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libstb-dev zlib1g-dev
  libsqlite3-dev          # music catalog, Spotify response cache
  libcurl4-openssl-dev libssl-dev libcpp-httplib-dev  # Spotify client; serve (and its HTTPS); the tests' servers
  libqrencode-dev         # serve's QR code of the address a phone opens
  openssl curl            # serve's HTTPS tests check the certificate as a client does
  libgtest-dev libgmock-dev
  python3                 # the test scripts and scripts/evaluate_real_faces.sh format and check JSON with it
  help2man                # the man page and bash completion, made from --help (scripts/package.sh)
)

if [ -z "${EMOMUSIC_SKIP_INSTALL:-}" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
fi

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
# The program only (emomusic and the emomusic-ml it hands commands to); scripts/test.sh builds the
# tests.
cmake --build "$BUILD_DIR" -j"$(nproc)" --target emomusic_cli

# The main job on built-in defaults: the shipped model, measured on FER2013's PublicTest when the
# data is beside the checkout (../shared), and a playlist for a detected mood.
EMOMUSIC="$BUILD_DIR/apps/emomusic/emomusic"
"$EMOMUSIC" --version
FER=../shared/data/fer2013/fer2013.csv.gz
if [ -f models/emotion.safetensors ] && [ -f "$FER" ]; then
  "$EMOMUSIC" eval --data "$FER" --split PublicTest
fi
"$EMOMUSIC" recommend --emotion happy --limit 5 --no-spotify
