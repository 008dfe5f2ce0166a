#!/usr/bin/env bash
# Builds the Debian package (build/emomusic_<version>_amd64.deb) and checks it: its declared
# dependencies, its file list, and the installed program on a shared photo.
#   scripts/package.sh             build the package, check it unpacked in a temporary prefix
#   scripts/package.sh --install   also install it with apt-get (as CI does), check the installed
#                                  copy, and remove it again
#   EMOMUSIC_BUILD_DIR=DIR         build folder (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${EMOMUSIC_BUILD_DIR:-build}
INSTALL=0
[ "${1:-}" = "--install" ] && INSTALL=1

command -v help2man >/dev/null || { echo "package.sh: help2man is missing (scripts/setup.sh installs it)" >&2; exit 8; }
[ -f "$BUILD_DIR/build.ninja" ] || cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$BUILD_DIR" -j"$(nproc)" --target emomusic_cli emomusic_docs
rm -f "$BUILD_DIR"/emomusic_*.deb
(cd "$BUILD_DIR" && cpack -G DEB >/dev/null)
DEB=$(ls "$BUILD_DIR"/emomusic_*_*.deb)
echo "package: $DEB ($(du -h "$DEB" | cut -f1))"

fails=0
check() {  # check WHAT COMMAND...: runs COMMAND, counts a failure with WHAT
  local what=$1
  shift
  if "$@" >/tmp/emomusic-package-check.$$ 2>&1; then
    echo "ok: $what"
  else
    echo "FAILED: $what"; sed 's/^/  /' /tmp/emomusic-package-check.$$
    fails=$((fails + 1))
  fi
  rm -f /tmp/emomusic-package-check.$$
}

depends=$(dpkg-deb -f "$DEB" Depends)
echo "Depends: $depends"
for pkg in libtorch opencv-data libsqlite3 libcurl; do
  check "depends on $pkg" grep -q "$pkg" <<<"$depends"
done
files=$(dpkg-deb -c "$DEB" | awk '{print $6}')
for f in ./usr/bin/emomusic ./usr/libexec/emomusic/emomusic-ml \
         ./usr/share/emomusic/models/emotion.safetensors ./usr/share/emomusic/data/emotion_music.json \
         ./usr/share/man/man1/emomusic.1 ./usr/share/bash-completion/completions/emomusic; do
  check "holds $f" grep -qx "$f" <<<"$files"
done

# Runs the checks on an installed copy whose programs live under PREFIX.
check_installed() {
  local prefix=$1 home
  home=$(mktemp -d)
  local env=(env HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config"
             XDG_CACHE_HOME="$home/cache" SPOTIFY_CLIENT_ID= SPOTIFY_CLIENT_SECRET=)
  check "$prefix/bin/emomusic --version" "${env[@]}" "$prefix/bin/emomusic" --version
  check "recommend --emotion happy" "${env[@]}" "$prefix/bin/emomusic" recommend --emotion happy --limit 5 --no-spotify
  local photo
  photo=$(ls ../shared/data/faces/taiwanese-dev/*/*.jpg ../shared/data/faces/taiwanese-dev/*.jpg 2>/dev/null | head -1 || true)
  if [ -n "$photo" ]; then
    check "detect --image $photo" "${env[@]}" "$prefix/bin/emomusic" detect --image "$photo"
  else
    echo "skipped: detect --image (no photo in ../shared/data/faces/taiwanese-dev)"
  fi
  check "man page renders" sh -c "man -l '$prefix/share/man/man1/emomusic.1' 2>/dev/null | grep -q 'recommend' || \
                                  grep -q 'emomusic recommend' '$prefix/share/man/man1/emomusic.1'"
  check "bash completion loads and lists subcommands" bash -c \
    "source '$prefix/share/bash-completion/completions/emomusic'; COMP_WORDS=(emomusic catalog im); COMP_CWORD=2;
             _emomusic; [ \"\${COMPREPLY[*]}\" = import ]"
  rm -rf "$home"
}

unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$DEB" "$unpacked"
check_installed "$unpacked/usr"

if [ "$INSTALL" = 1 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "./$DEB" >/dev/null
  check_installed /usr
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get remove -y -qq emomusic >/dev/null
fi
echo "package checks: $fails failed"
[ "$fails" -eq 0 ]
