#!/usr/bin/env bash
# Browser test of the web page (web/index.html) served by `emomusic serve`: headless chromium
# with a fake camera that shows faces labelled happy from ../shared/data/faces/taiwanese-dev.
# Then once over HTTPS as a phone opens it (page_tls_test.mjs): a second server on 127.0.0.2.
# Usage: run_page_test.sh path/to/emomusic [path/to/fake_spotify_server]
# With the fake Spotify (tests/music/spotify/fake_spotify_server.cpp), the page is logged in and
# "Save to Spotify" is checked too: the saved playlist must hold the page's tracks in order.
# Needs chromium, ffmpeg, node and tests/web/node_modules/puppeteer-core (scripts/install_browser.sh);
# prints "SKIP: …" and exits 77 (CTest's SKIP_RETURN_CODE for cli.page) when one of them, the face
# photos or the serve command is missing.
# PAGE_SCREENSHOT (default build/page.png in the source tree) is where the screenshot goes.
set -uo pipefail
EMOMUSIC=${1:?usage: run_page_test.sh path/to/emomusic [path/to/fake_spotify_server]}
FAKE_SPOTIFY=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
FACES=${EMOMUSIC_FACES_DIR:-$ROOT/../shared/data/faces/taiwanese-dev}
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$CHROMIUM" ] || skip "no chromium (run scripts/install_browser.sh)"
command -v node >/dev/null || skip "no node (run scripts/install_browser.sh)"
[ -f "$HERE/node_modules/puppeteer-core/package.json" ] || skip "no tests/web/node_modules/puppeteer-core (run scripts/install_browser.sh)"
command -v ffmpeg >/dev/null || skip "no ffmpeg to make the fake camera video (run scripts/install_browser.sh)"
command -v python3 >/dev/null || skip "no python3 to pick a free port"
command -v openssl >/dev/null || skip "no openssl to read the HTTPS server's key"
[ -x "$EMOMUSIC" ] || fail "$EMOMUSIC is not an executable"
# (An emomusic without `serve` prints its general help for `serve --help` and exits 0.)
"$EMOMUSIC" serve --help 2>&1 | grep -q -- "--port" || skip "$EMOMUSIC has no 'serve' command"
[ -f "$FACES/labels.csv" ] || skip "no face photos at $FACES (../shared is absent)"

WORK=$(mktemp -d)
SERVER_PID=
TLS_SERVER_PID=
. "$ROOT/tests/support/fake_spotify.sh"
cleanup() {
  stop_fake_spotify
  for pid in $SERVER_PID $TLS_SERVER_PID; do
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
# The server's history, likes and skips go to a fresh folder, not the user's.
export XDG_DATA_HOME=$WORK/data XDG_CONFIG_HOME=$WORK/config XDG_CACHE_HOME=$WORK/cache
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
unset SPOTIFY_CLIENT_ID SPOTIFY_CLIENT_SECRET

# The fake camera: three photos labelled happy, 3 s each at 10 frames/s, scaled and padded to
# 640x480 (chromium loops the file).
mapfile -t PHOTOS < <(awk -F, 'NR > 1 && $2 == "happy" { print $1 }' "$FACES/labels.csv" | head -n 3)
[ "${#PHOTOS[@]}" -gt 0 ] || skip "no photo labelled happy in $FACES/labels.csv"
inputs=() chain= labels=
for i in "${!PHOTOS[@]}"; do
  [ -f "$FACES/${PHOTOS[$i]}" ] || fail "labels.csv names ${PHOTOS[$i]}, which is not in $FACES"
  inputs+=(-loop 1 -framerate 10 -t 3 -i "$FACES/${PHOTOS[$i]}")
  chain+="[$i:v]scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p[v$i];"
  labels+="[v$i]"
done
VIDEO=$WORK/camera.y4m
ffmpeg -loglevel error -y "${inputs[@]}" \
  -filter_complex "${chain}${labels}concat=n=${#PHOTOS[@]}:v=1:a=0,fps=10[out]" -map "[out]" \
  -pix_fmt yuv420p "$VIDEO" || fail "ffmpeg could not make the fake camera video"
echo "fake camera: ${PHOTOS[*]} -> $VIDEO"

if [ -n "$FAKE_SPOTIFY" ]; then
  start_fake_spotify "$FAKE_SPOTIFY" "$XDG_DATA_HOME/emomusic/spotify_token.json" \
    "$WORK/spotify-playlists.jsonl" || fail "the fake Spotify did not start"
  export SPOTIFY_SAVED=$WORK/spotify-saved.json
  echo "fake Spotify at $EMOMUSIC_SPOTIFY_API_URL, logged in"
fi

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$EMOMUSIC" serve --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
up=
for _ in $(seq 600); do
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; fail "emomusic serve exited early"; }
  if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2).read()' \
       "http://127.0.0.1:$PORT/api/health" 2>/dev/null; then up=1; break; fi
  sleep 0.1
done
[ -n "$up" ] || { cat "$WORK/server.log" >&2; fail "emomusic serve did not answer /api/health on port $PORT within 60 s"; }
echo "emomusic serve is up on port $PORT"

PAGE_URL="http://127.0.0.1:$PORT/" CHROMIUM="$CHROMIUM" FAKE_VIDEO="$VIDEO" FAKE_PHOTO="$FACES/${PHOTOS[0]}" \
PAGE_SCREENSHOT=${PAGE_SCREENSHOT:-$ROOT/build/page.png} \
  node "$HERE/page_test.mjs"
rc=$?
# What the page saved is what the fake Spotify holds: the same tracks, in the page's order.
if [ "$rc" -eq 0 ] && [ -n "$FAKE_SPOTIFY" ]; then
  stop_fake_spotify
  python3 - "$WORK/spotify-saved.json" "$WORK/spotify-playlists.jsonl" <<'PY' || rc=1
import json, sys
saved = json.load(open(sys.argv[1]))
held = {p["id"]: p["uris"] for p in map(json.loads, open(sys.argv[2]))}
want = ["spotify:track:" + i for i in saved["ids"]]
if held.get(saved["playlist"]) != want:
    sys.exit(f"FAIL: Spotify holds {held.get(saved['playlist'])} for {saved['playlist']}, the page showed {want}")
print(f"Spotify holds the page's {len(want)} tracks in playlist {saved['playlist']}")
PY
fi
if [ "$rc" -ne 0 ]; then
  echo "--- emomusic serve log (last 40 lines) ---" >&2
  tail -n 40 "$WORK/server.log" >&2
  exit "$rc"
fi

# Once more over HTTPS, as a phone opens it: a server beyond loopback (127.0.0.2), the address it
# prints with its secret, and chromium trusting exactly its certificate's key.
"$EMOMUSIC" serve --host 127.0.0.2 --port 0 --no-spotify >"$WORK/tls.out" 2>"$WORK/tls.log" &
TLS_SERVER_PID=$!
for _ in $(seq 600); do
  [ -s "$WORK/tls.out" ] && break
  kill -0 "$TLS_SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
TLS_URL=$(head -1 "$WORK/tls.out")
case "$TLS_URL" in https://127.0.0.2:*/#k=*) ;; *) cat "$WORK/tls.log" >&2; fail "serve --host 127.0.0.2 printed '$TLS_URL'" ;; esac
SPKI=$(openssl x509 -in "$XDG_CONFIG_HOME/emomusic/serve/server-cert.pem" -noout -pubkey \
  | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
PAGE_URL=$TLS_URL SPKI_SHA256=$SPKI CHROMIUM="$CHROMIUM" node "$HERE/page_tls_test.mjs"
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "--- emomusic serve --host 127.0.0.2 log ---" >&2
  cat "$WORK/tls.log" >&2
fi
exit "$rc"
