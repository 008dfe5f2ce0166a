#!/usr/bin/env bash
# `emomusic serve` over real HTTP: the page and its token, every endpoint, the refusals (Host,
# Origin, token, bad requests, oversized bodies) and concurrent requests. Usage:
# serve_test.sh path/to/emomusic SOURCE_DIR   (faces from SOURCE_DIR/../shared when present)
set -u
BIN=$1
SRC=$2
WORK=$(mktemp -d)
export XDG_DATA_HOME=$WORK/data   # never touch the user's history or catalog
export XDG_CONFIG_HOME=$WORK/config   # nor the certificate and access secret beyond loopback
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
. "$(dirname "$0")/../support/checks.sh"
. "$(dirname "$0")/../support/serve.sh"
# 77: skipped (CTest's SKIP_RETURN_CODE for cli.serve).
command -v curl >/dev/null || { echo "SKIP: curl is not installed"; exit 77; }

start_serve "$WORK/stdout" "$WORK/stderr" --port 0
URL=$(head -1 "$WORK/stdout")
case "$URL" in
  http://127.0.0.1:*/) ;;
  *) echo "FAIL: serve printed no URL: $(cat "$WORK/stdout" "$WORK/stderr")" >&2; exit 1 ;;
esac
HOSTPORT=${URL#http://}
HOSTPORT=${HOSTPORT%/}

# http METHOD PATH [curl args…]: the status in $STATUS, the body in $WORK/body. $TLS holds the
# curl arguments of a server beyond loopback (its certificate, the session cookie).
TLS=()
http() {
  local method=$1 path=$2; shift 2
  STATUS=$(curl -s -o "$WORK/body" -w '%{http_code}' -X "$method" "${TLS[@]}" "$@" "$URL${path#/}")
}
# expect_status CODE WHAT METHOD PATH [curl args…]; a 4xx must come with a JSON error.
expect_status() {
  local code=$1 what=$2; shift 2
  http "$@"
  [ "$STATUS" = "$code" ] || fail "$what: HTTP $STATUS, expected $code: $(head -c 300 "$WORK/body")"
  if [ "${code:0:1}" = 4 ]; then
    grep -q '^{"error":"' "$WORK/body" || fail "$what: no JSON error: $(head -c 300 "$WORK/body")"
  fi
}

# The page, with this start's token in place of the placeholder.
expect_status 200 "the page" GET /
TOKEN=$(grep -o 'name="emomusic-token" content="[0-9a-f]*"' "$WORK/body" | sed 's/.*content="//; s/"$//')
[ ${#TOKEN} -eq 32 ] || fail "no 32-hex token in the page (got '$TOKEN')"
grep -q '{{EMOMUSIC_TOKEN}}' "$WORK/body" && fail "the page still holds the placeholder"
AUTH=(-H "X-Emomusic-Token: $TOKEN")
grep -q '<script type="module" src="/app.js"></script>' "$WORK/body" || fail "the page does not load /app.js"
grep -q '<link rel="stylesheet" href="/style.css">' "$WORK/body" || fail "the page does not load /style.css"
grep -q '<script>\|<style\| style="' "$WORK/body" && fail "the page holds inline script or style, which its policy refuses"

# The page and its files (web/app.js, web/style.css byte for byte) with their types and the
# same headers: never cached, never sniffed, never framed, and a policy that runs only them.
for file in /:text/html /app.js:text/javascript /style.css:text/css; do
  path=${file%%:*} type=${file#*:}
  curl -s -D "$WORK/headers" -o "$WORK/body" "$URL${path#/}"
  [ "$path" = / ] || cmp -s "$WORK/body" "$SRC/web${path}" || fail "$path is not web$path"
  for header in "content-type: $type; charset=utf-8" "cache-control: no-store" \
                "x-content-type-options: nosniff" "x-frame-options: deny" \
                "content-security-policy: default-src 'none'; script-src 'self'; style-src 'self';"; do
    tr -d '\r' <"$WORK/headers" | grep -qix "$header.*" || fail "$path: no header '$header'"
  done
  # Issue 21: the one origin from elsewhere is the Spotify player's, for frames alone.
  policy=$(tr -d '\r' <"$WORK/headers" | grep -i '^content-security-policy:')
  grep -q "; frame-src https://open.spotify.com;" <<<"$policy" || fail "$path: the policy does not frame Spotify's player: $policy"
  [ "$(grep -o 'https\?://[^ ;]*' <<<"$policy" | sort -u)" = https://open.spotify.com ] ||
    fail "$path: the policy allows another origin: $policy"
done

# For the home screen: the page links the web app manifest (web/manifest.webmanifest, byte for
# byte) and its icon, the policy lets it load the manifest, and each icon the manifest lists is
# served as what it says: an SVG, and PNGs of their sizes with a picture in them (make_web_icons).
curl -s -o "$WORK/page" "$URL"
grep -q '<link rel="manifest" href="/manifest.webmanifest">' "$WORK/page" || fail "the page does not link its manifest"
grep -q '<link rel="icon" href="/icon.svg" type="image/svg+xml">' "$WORK/page" || fail "the page does not link its icon"
curl -s -D "$WORK/headers" -o "$WORK/body" "${URL}manifest.webmanifest"
cmp -s "$WORK/body" "$SRC/web/manifest.webmanifest" || fail "/manifest.webmanifest is not web/manifest.webmanifest"
tr -d '\r' <"$WORK/headers" | grep -qix "content-type: application/manifest+json" || fail "the manifest's type: $(grep -i content-type "$WORK/headers")"
tr -d '\r' <"$WORK/headers" | grep -qi "^content-security-policy: .*manifest-src 'self'" || fail "the policy does not allow the manifest"
if command -v python3 >/dev/null; then
  python3 - "$WORK/body" "$URL" <<'PY' || fail "the manifest or its icons"
import json, struct, sys, urllib.request, zlib
manifest, url = json.load(open(sys.argv[1])), sys.argv[2]
assert manifest["display"] == "standalone" and manifest["name"] and manifest["start_url"] == "/", manifest
assert manifest["theme_color"].startswith("#") and manifest["background_color"].startswith("#"), manifest
sizes = set()
for icon in manifest["icons"]:
    answer = urllib.request.urlopen(url + icon["src"].lstrip("/"))
    body = answer.read()
    assert answer.headers["Content-Type"] == icon["type"], (icon, answer.headers["Content-Type"])
    if icon["type"] == "image/svg+xml":
        assert body.startswith(b"<svg ") and b"</svg>" in body, icon
        continue
    assert body[:8] == b"\x89PNG\r\n\x1a\n", icon
    width, height = struct.unpack(">II", body[16:24])
    assert f"{width}x{height}" == icon["sizes"], (icon, width, height)
    sizes.add(width)
    # Its pixels (the IDAT chunks, inflated) are not all one colour: something is drawn.
    data, at = b"", 8
    while at < len(body):
        length, kind = struct.unpack(">I4s", body[at:at + 8])
        if kind == b"IDAT":
            data += body[at + 8:at + 8 + length]
        at += 12 + length
    assert len(set(zlib.decompress(data))) > 8, f"{icon['src']} is blank"
assert {192, 512} <= sizes, sizes
PY
fi

# What the page knows of the server's data: core's emotions, the mapping's defaults.
expect_status 200 "config" GET /api/config
if command -v python3 >/dev/null; then
  python3 - "$WORK/body" "$SRC/data/emotion_music.json" <<'PY' || fail "config: $(cat "$WORK/body")"
import json, sys
config, mapping = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert sorted(config["emotions"]) == sorted(mapping["emotions"]), config["emotions"]
for name, plan in mapping["emotions"].items():
    assert config["defaults"][name] == {"mode": plan["default_mode"], "target": plan["lift_target"]}, name
limit = config["playlist"]["limit"]
assert limit["min"] <= limit["default"] <= limit["max"], limit
PY
fi

expect_status 200 "health" GET /api/health
grep -q '"status":"ok"' "$WORK/body" || fail "health: $(cat "$WORK/body")"
grep -q '"spotify_login":\(true\|false\)' "$WORK/body" || fail "health: no spotify_login"

# Security: foreign Host (DNS rebinding), foreign Origin, writes without the token.
expect_status 403 "foreign Host" GET /api/health -H "Host: evil.example:${HOSTPORT#*:}"
expect_status 403 "foreign Origin" GET /api/health -H "Origin: http://evil.example"
expect_status 200 "own Origin" GET /api/health -H "Origin: http://$HOSTPORT"
expect_status 200 "localhost Host" GET /api/health -H "Host: localhost:${HOSTPORT#*:}"
FEEDBACK='{"track_id":"4cOdK2wGLETKBW3PvgPWqT","artists":["Rick Astley"],"emotion":"sad","kind":"like"}'
expect_status 403 "feedback without the token" POST /api/feedback -d "$FEEDBACK"
expect_status 403 "feedback with a wrong token" POST /api/feedback -d "$FEEDBACK" \
  -H "X-Emomusic-Token: 0123456789abcdef0123456789abcdef"
expect_status 403 "analyze without the token" POST /api/analyze --data-binary @/dev/null

# Bad requests: 400 with a message, 413 over 8 MB, 404 for no endpoint.
expect_status 400 "empty image" POST "/api/analyze?session=t1" "${AUTH[@]}" -H "Content-Type: image/jpeg" --data-binary @/dev/null
printf 'this is not an image' >"$WORK/text.jpg"
expect_status 400 "not an image" POST "/api/analyze?session=t1" "${AUTH[@]}" -H "Content-Type: image/jpeg" --data-binary @"$WORK/text.jpg"
expect_status 400 "bad session id" POST "/api/analyze?session=a%20b" "${AUTH[@]}" --data-binary @"$WORK/text.jpg"
# Image bytes whatever the Content-Type: curl's default for --data-binary is a form, whose body
# httplib would cap at 8 KB (a false 413).
expect_status 200 "an image sent as curl's default form type" POST "/api/analyze?session=t2" "${AUTH[@]}" \
  --data-binary @"$SRC/models/confusion_photos.png"
head -c 9000000 /dev/zero >"$WORK/big.jpg"
expect_status 413 "body over 8 MB" POST "/api/analyze?session=t1" "${AUTH[@]}" -H "Content-Type: image/jpeg" --data-binary @"$WORK/big.jpg"
expect_status 400 "unknown emotion" GET "/api/recommend?emotion=grumpy"
expect_status 400 "missing emotion" GET "/api/recommend"
expect_status 400 "bad limit" GET "/api/recommend?emotion=happy&limit=abc"
expect_status 400 "limit 0" GET "/api/recommend?emotion=happy&limit=0"
expect_status 400 "bad mode" GET "/api/recommend?emotion=happy&mode=sideways"
expect_status 400 "bad years" GET "/api/recommend?emotion=happy&years=19x9"
expect_status 400 "bad no_explicit" GET "/api/recommend?emotion=happy&no_explicit=maybe"
expect_status 400 "bad language" GET "/api/recommend?emotion=happy&language=Klingon"
grep -q "language 'Klingon'" "$WORK/body" || fail "bad language message: $(head -c 300 "$WORK/body")"
# The starter catalog says no track's language: a language filter finds nothing, and says which.
expect_status 404 "a language the catalog lacks" GET "/api/recommend?emotion=happy&language=es"
grep -q "language es" "$WORK/body" || fail "language 404 message: $(head -c 300 "$WORK/body")"
expect_status 400 "bad days" GET "/api/history?days=0"
expect_status 400 "feedback not JSON" POST /api/feedback "${AUTH[@]}" -d '{"track_id":'
expect_status 400 "feedback unknown kind" POST /api/feedback "${AUTH[@]}" \
  -d '{"track_id":"4cOdK2wGLETKBW3PvgPWqT","emotion":"sad","kind":"love"}'
expect_status 400 "feedback bad track id" POST /api/feedback "${AUTH[@]}" \
  -d '{"track_id":"nope","emotion":"sad","kind":"skip"}'
expect_status 404 "no such endpoint" GET /api/nothing

# recommend: the same JSON as `recommend -f json`, and a skip sent to the server keeps that track
# out of the next playlist.
expect_status 200 "recommend sad" GET "/api/recommend?emotion=sad&limit=3&seed=1"
"$BIN" recommend -e sad -n 3 --seed 1 -f json >"$WORK/cli.json" 2>/dev/null
if command -v python3 >/dev/null; then
  python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' \
    "$WORK/body" "$WORK/cli.json" || fail "recommend JSON differs from the CLI's: $(head -c 300 "$WORK/body")"
fi
FIRST=$(grep -o '"id":"[^"]*"' "$WORK/body" | head -1 | sed 's/"id":"//; s/"$//')
[ ${#FIRST} -eq 22 ] || fail "no track id in the playlist: $(head -c 300 "$WORK/body")"
expect_status 200 "feedback skip with the token" POST /api/feedback "${AUTH[@]}" \
  -H "Content-Type: application/json" -d "{\"track_id\":\"$FIRST\",\"artists\":[],\"emotion\":\"sad\",\"kind\":\"skip\"}"
expect_status 200 "recommend sad after the skip" GET "/api/recommend?emotion=sad&limit=3&seed=1"
grep -q "\"$FIRST\"" "$WORK/body" && fail "the skipped track $FIRST came back"
"$BIN" recommend -e sad -n 100 -f uris --seed 1 >"$WORK/uris" 2>/dev/null
grep -q "$FIRST" "$WORK/uris" && fail "the CLI does not see the skip sent to the server"

# A happy face from the shared test photos: a face, and once it stayed happy for a second, a
# settled mood that lands in the history as "page".
FACES=$SRC/../shared/data/faces/taiwanese-dev
if [ -f "$FACES/labels.csv" ]; then
  PHOTO=$FACES/$(grep ',happy$' "$FACES/labels.csv" | head -1 | cut -d, -f1)
  settled=no
  for _ in $(seq 1 12); do
    expect_status 200 "analyze a happy face" POST "/api/analyze?session=happy1" "${AUTH[@]}" \
      -H "Content-Type: image/jpeg" --data-binary @"$PHOTO"
    grep -q '"faces":\[{"box":\[' "$WORK/body" || { fail "no face in $PHOTO: $(head -c 300 "$WORK/body")"; break; }
    grep -q '"settled":{"confidence":[0-9.e-]*,"emotion":"happy"}' "$WORK/body" && { settled=yes; break; }
    sleep 0.25
  done
  [ "$settled" = yes ] || fail "no settled happy mood: $(head -c 400 "$WORK/body")"
  expect_status 200 "history" GET "/api/history?days=1"
  grep -q '"emotion":"happy","source":"page"' "$WORK/body" || fail "the settled mood is not in the history: $(head -c 400 "$WORK/body")"
  # A mood that settles while another program holds the history locked (longer than SQLite's
  # 5 s wait) is written once the lock is gone: the page was told it settled.
  if command -v python3 >/dev/null; then
    python3 -c '
import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
open(sys.argv[2] + ".held", "w").close()
for _ in range(400):
    if os.path.exists(sys.argv[2]): break
    time.sleep(0.1)
c.execute("ROLLBACK")' "$XDG_DATA_HOME/emomusic/history.db" "$WORK/release" &
    LOCKER=$!
    for _ in $(seq 1 50); do [ -e "$WORK/release.held" ] && break; sleep 0.1; done
    settled=no
    for _ in $(seq 1 12); do
      http POST "/api/analyze?session=locked1" "${AUTH[@]}" -H "Content-Type: image/jpeg" --data-binary @"$PHOTO"
      grep -q '"settled":{"confidence":[0-9.e-]*,"emotion":"happy"}' "$WORK/body" && { settled=yes; break; }
      sleep 0.25
    done
    [ "$settled" = yes ] || fail "no settled mood while the history was locked: HTTP $STATUS $(head -c 300 "$WORK/body")"
    touch "$WORK/release"; wait "$LOCKER"
    expect_status 200 "a frame after the lock" POST "/api/analyze?session=locked1" "${AUTH[@]}" \
      -H "Content-Type: image/jpeg" --data-binary @"$PHOTO"
    expect_status 200 "history after the lock" GET "/api/history?days=1"
    [ "$(grep -o '"source":"page"' "$WORK/body" | wc -l)" -eq 2 ] \
      || fail "the mood that settled while the history was locked is lost: $(head -c 600 "$WORK/body")"
  fi
  # 8 analyses at once, all answered.
  for i in $(seq 1 8); do
    curl -s -o /dev/null -w '%{http_code}\n' -H "X-Emomusic-Token: $TOKEN" -H "Content-Type: image/jpeg" \
      --data-binary @"$PHOTO" "${URL}api/analyze?session=par$i" >"$WORK/par$i" &
  done
else
  echo "SKIP: $FACES/labels.csv is missing; the face checks need ../shared/data/faces/taiwanese-dev"
  expect_status 200 "history" GET "/api/history?days=1"
  for i in $(seq 1 8); do
    curl -s -o /dev/null -w '%{http_code}\n' "${URL}api/recommend?emotion=happy&limit=5" >"$WORK/par$i" &
  done
fi
wait $(jobs -p | grep -v "^$SERVER\$") 2>/dev/null
for i in $(seq 1 8); do
  [ "$(cat "$WORK/par$i")" = 200 ] || fail "concurrent request $i: HTTP $(cat "$WORK/par$i")"
done

# Clearing the history is a write: it needs the token, then nothing is left (the skip above
# included; the settled mood too when the faces were there).
expect_status 403 "clear the history without the token" DELETE /api/history
expect_status 200 "clear the history" DELETE /api/history "${AUTH[@]}"
grep -q '{"feedback":1,"moods":[012]}' "$WORK/body" || fail "clear: $(cat "$WORK/body")"
expect_status 200 "history after the clear" GET "/api/history?days=1"
grep -q '"entries":\[\]' "$WORK/body" || fail "history after the clear: $(head -c 400 "$WORK/body")"
expect_status 200 "recommend sad after the clear" GET "/api/recommend?emotion=sad&limit=3&seed=1"
grep -q "\"$FIRST\"" "$WORK/body" || fail "the skipped track $FIRST did not come back after the clear"

# Still serving after all of that.
expect_status 200 "health at the end" GET /api/health
kill -0 "$SERVER" 2>/dev/null || fail "the server died"

# A second server on the same port fails to bind (exit 8) instead of sharing the port.
"$BIN" serve --port "${HOSTPORT#*:}" >/dev/null 2>"$WORK/stderr-second"
code=$?
[ "$code" -eq 8 ] || fail "a second serve on port ${HOSTPORT#*:} exited $code, not 8: $(cat "$WORK/stderr-second")"
grep -q "cannot listen on" "$WORK/stderr-second" || fail "second serve: $(cat "$WORK/stderr-second")"
expect_status 200 "health beside the refused second server" GET /api/health

# A --host that is not an address of this machine fails as an address that cannot be bound (exit
# 8), before a certificate or access secret is made for it (192.0.2.1 is TEST-NET-1, documentation
# only).
"$BIN" serve --host 192.0.2.1 --port 0 >/dev/null 2>"$WORK/stderr-nohost"
code=$?
[ "$code" -eq 8 ] || fail "serve --host 192.0.2.1 exited $code, not 8: $(cat "$WORK/stderr-nohost")"
grep -q "cannot listen on 192.0.2.1" "$WORK/stderr-nohost" \
  || fail "serve --host 192.0.2.1: $(cat "$WORK/stderr-nohost")"
[ -z "$(ls -A "$XDG_CONFIG_HOME/emomusic/serve" 2>/dev/null)" ] \
  || fail "serve --host 192.0.2.1 left files behind: $(ls "$XDG_CONFIG_HOME/emomusic/serve")"

# A history file that is not a history is refused at start (exit 3), as `history` does.
if command -v python3 >/dev/null; then
  python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table people(name)"); c.commit()' "$WORK/other.db"
  "$BIN" serve --port 0 --history-db "$WORK/other.db" >/dev/null 2>"$WORK/stderr-other"
  code=$?
  [ "$code" -eq 3 ] || fail "serve --history-db OTHER.db exited $code, not 3: $(cat "$WORK/stderr-other")"
fi

# A server's normal way to stop is a signal: Ctrl-C (and SIGTERM, below) stop it cleanly, exit 0.
kill -INT "$SERVER"
for _ in $(seq 1 50); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVER" 2>/dev/null; then fail "SIGINT did not stop the server"; else
  wait "$SERVER"; code=$?; [ "$code" -eq 0 ] || fail "serve exited $code after SIGINT, not 0"
  SERVER=
fi

# --host 0.0.0.0 serves HTTPS and prints the address a phone opens (this machine's first address
# that is not loopback, with the access secret), answers to the machine's addresses (a LAN
# client's Host is an IP literal) once signed in, and still refuses names (DNS rebinding) and
# other origins. --open hands that address to xdg-open (a stand-in on PATH here). The rest of
# serving beyond loopback: tests/cli/serve_tls_test.sh.
mkdir -p "$WORK/bin"
printf '#!/bin/sh\nprintf "%%s\\n" "$*" >"%s/opened"\n' "$WORK" >"$WORK/bin/xdg-open"
chmod +x "$WORK/bin/xdg-open"
PATH="$WORK/bin:$PATH" start_serve "$WORK/stdout2" "$WORK/stderr2" --host 0.0.0.0 --port 0 --open
grep -q "fingerprint" "$WORK/stderr2" || fail "--host 0.0.0.0 printed no fingerprint: $(cat "$WORK/stderr2")"
OPEN_URL=$(head -1 "$WORK/stdout2")
case "$OPEN_URL" in
  https://*:*/#k=????????????????????????????????) ;;
  *) fail "--host 0.0.0.0 printed \"$OPEN_URL\", not an https address with its secret" ;;
esac
case "$OPEN_URL" in https://127.*) [ "$(hostname -I 2>/dev/null | tr -d ' ')" = "" ] \
  || fail "--host 0.0.0.0 printed a loopback address on a machine with others: $OPEN_URL" ;; esac
PORT=${OPEN_URL%/#k=*}; PORT=${PORT##*:}
for _ in $(seq 1 50); do [ -s "$WORK/opened" ] && break; sleep 0.1; done
[ "$(cat "$WORK/opened" 2>/dev/null)" = "$OPEN_URL" ] || fail "--open did not open $OPEN_URL: '$(cat "$WORK/opened" 2>/dev/null)'"
# The certificate names the loopback address too: a real TLS check against it, then the cookie.
URL=https://127.0.0.1:$PORT/
TLS=(--cacert "$XDG_CONFIG_HOME/emomusic/serve/server-cert.pem" -b "$WORK/jar" -c "$WORK/jar")
expect_status 401 "0.0.0.0 before the secret" GET /api/health
TOKEN2=$(curl -s "${TLS[@]}" "$URL" | grep -o 'name="emomusic-token" content="[0-9a-f]*"' | sed 's/.*content="//; s/"$//')
expect_status 200 "0.0.0.0's secret" POST /api/session -H "X-Emomusic-Token: $TOKEN2" \
  -H "Origin: https://127.0.0.1:$PORT" -d "{\"secret\":\"${OPEN_URL#*#k=}\"}"
# curl matches a jar's cookies to the Host header: the cookie itself, for the LAN Hosts below.
TLS=(--cacert "$XDG_CONFIG_HOME/emomusic/serve/server-cert.pem"
     -b "emomusic_session=$(awk '$6 == "emomusic_session" { print $7 }' "$WORK/jar")")
expect_status 200 "LAN address as Host" GET /api/health -H "Host: 192.0.2.7:$PORT"
expect_status 200 "IPv6 address as Host" GET /api/health -H "Host: [2001:db8::7]:$PORT"
expect_status 200 "LAN page's own Origin" GET /api/health -H "Host: 192.0.2.7:$PORT" -H "Origin: https://192.0.2.7:$PORT"
expect_status 403 "the LAN page's http:// Origin" GET /api/health -H "Host: 192.0.2.7:$PORT" -H "Origin: http://192.0.2.7:$PORT"
expect_status 403 "a name as Host on 0.0.0.0" GET /api/health -H "Host: evil.example:$PORT"
expect_status 403 "another port as Host on 0.0.0.0" GET /api/health -H "Host: 192.0.2.7:1"
expect_status 403 "another IP's page as Origin" GET /api/health -H "Host: 192.0.2.7:$PORT" -H "Origin: https://203.0.113.9:$PORT"
expect_status 200 "a like before SIGTERM" POST /api/feedback -H "X-Emomusic-Token: $TOKEN2" \
  -H "Content-Type: application/json" -d "{\"track_id\":\"$FIRST\",\"artists\":[],\"emotion\":\"happy\",\"kind\":\"like\"}"

kill -TERM "$SERVER"
for _ in $(seq 1 50); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVER" 2>/dev/null; then fail "SIGTERM did not stop the server"; kill -KILL "$SERVER"; wait "$SERVER" 2>/dev/null; else
  wait "$SERVER"; code=$?; [ "$code" -eq 0 ] || fail "serve exited $code after SIGTERM, not 0"
fi
SERVER=
TLS=()
"$BIN" history --db "$XDG_DATA_HOME/emomusic/history.db" --format json >"$WORK/after-term" 2>"$WORK/stderr-term" \
  || fail "the history after SIGTERM cannot be read: $(cat "$WORK/stderr-term")"
if command -v python3 >/dev/null; then
  [ "$(python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("pragma integrity_check").fetchone()[0], c.execute("select count(*) from feedback where kind=\"like\" and emotion=\"happy\"").fetchone()[0])' \
      "$XDG_DATA_HOME/emomusic/history.db")" = "ok 1" ] || fail "the history after SIGTERM is not intact or lost the like"
fi

# --no-history keeps nothing on disk: likes and skips work until the server stops, and then no
# file is left. It cannot be combined with a history file.
"$BIN" serve --no-history --history-db "$WORK/h.db" --port 0 >/dev/null 2>"$WORK/stderr3"
[ $? -eq 2 ] || fail "--no-history with --history-db was not a usage error"
XDG_DATA_HOME=$WORK/nohistory start_serve "$WORK/stdout3" "$WORK/stderr3" --no-history --port 0
URL=$(head -1 "$WORK/stdout3")
expect_status 200 "health without history" GET /api/health
grep -q '"history_kept":false' "$WORK/body" || fail "health does not say the history is not kept: $(cat "$WORK/body")"
expect_status 200 "the page without history" GET /
TOKEN3=$(grep -o 'name="emomusic-token" content="[0-9a-f]*"' "$WORK/body" | sed 's/.*content="//; s/"$//')
expect_status 200 "skip without history" POST /api/feedback -H "X-Emomusic-Token: $TOKEN3" \
  -H "Content-Type: application/json" -d "{\"track_id\":\"$FIRST\",\"artists\":[],\"emotion\":\"sad\",\"kind\":\"skip\"}"
expect_status 200 "recommend sad after a skip without history" GET "/api/recommend?emotion=sad&limit=3&seed=1"
grep -q "\"$FIRST\"" "$WORK/body" && fail "without history, the skipped track $FIRST came back"
expect_status 200 "clear the history in memory" DELETE /api/history -H "X-Emomusic-Token: $TOKEN3"
grep -q '{"feedback":1,"moods":0}' "$WORK/body" || fail "clear in memory: $(cat "$WORK/body")"
kill -INT "$SERVER"; wait "$SERVER" 2>/dev/null; SERVER=
left=$(find "$WORK/nohistory" -type f 2>/dev/null)
[ -z "$left" ] || fail "--no-history left files: $left"

# --host ::1 is loopback too: plain HTTP, no secret, and the Host a browser sends there, [::1]:PORT
# (where this machine has IPv6 loopback).
start_serve "$WORK/stdout6" "$WORK/stderr6" --host ::1 --port 0 --no-history
URL=$(head -1 "$WORK/stdout6")
case "$URL" in
  http://\[::1\]:*/)
    expect_status 200 "health on [::1]" GET /api/health -g
    grep -q "secret\|fingerprint" "$WORK/stderr6" && fail "--host ::1 is not loopback: $(cat "$WORK/stderr6")"
    kill -INT "$SERVER"; wait "$SERVER" 2>/dev/null ;;
  *) grep -q "cannot listen on ::1" "$WORK/stderr6" && echo "SKIP: no IPv6 loopback here" \
       || fail "--host ::1 printed '$URL': $(cat "$WORK/stderr6")" ;;
esac
SERVER=

finish serve
