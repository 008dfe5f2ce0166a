#!/bin/sh
# Smoke tests of `login`, `logout` and `playlist create` through the built binary: exit codes,
# where the login address goes, and that no secret reaches stdout or stderr. No network is used:
# the accounts URL points at a closed local port and the login is left to time out.
# Usage: spotify_cli.sh PATH/TO/emomusic
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache"
export EMOMUSIC_SPOTIFY_ACCOUNTS_URL=http://127.0.0.1:9 EMOMUSIC_SPOTIFY_API_URL=http://127.0.0.1:9/v1
unset SPOTIFY_CLIENT_ID SPOTIFY_CLIENT_SECRET
secret=smoke-secret-5f2e9a
failures=0

# check WANTED_RC DESCRIPTION STDIN COMMAND...: runs COMMAND with STDIN, keeps its output in
# $tmp/out and $tmp/err, and reports a wrong exit code or a leaked secret.
check() {
  want=$1 what=$2 input=$3
  shift 3
  printf '%s' "$input" | "$@" >"$tmp/out" 2>"$tmp/err"
  got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $what: exit $got, expected $want"; cat "$tmp/err"; failures=$((failures + 1))
  fi
  if grep -q -- "$secret" "$tmp/out" "$tmp/err"; then
    echo "FAIL: $what: the client secret was printed"; failures=$((failures + 1))
  fi
}

check 0 "logout when not logged in" "" "$bin" logout
check 2 "login without credentials" "" "$bin" login --no-browser --wait 1
grep -q SPOTIFY_CLIENT_ID "$tmp/err" || { echo "FAIL: no hint about SPOTIFY_CLIENT_ID"; failures=$((failures + 1)); }

export SPOTIFY_CLIENT_ID=smoke-client-id SPOTIFY_CLIENT_SECRET=$secret
check 6 "login that nobody answers" "" "$bin" -vv login --no-browser --wait 1
grep -q 'authorize?client_id=smoke-client-id.*code_challenge_method=S256' "$tmp/err" ||
  { echo "FAIL: the login address is not on stderr"; failures=$((failures + 1)); }
grep -q 'redirect_uri=http%3A%2F%2F127.0.0.1%3A[0-9]*%2Fcallback' "$tmp/err" ||
  { echo "FAIL: the redirect is not a 127.0.0.1 callback"; failures=$((failures + 1)); }
[ -s "$tmp/out" ] && { echo "FAIL: login wrote to stdout"; failures=$((failures + 1)); }

check 3 "a bad URI on stdin" "spotify:track:abc
not-a-uri
" "$bin" playlist create Mood
grep -q 'stdin:2' "$tmp/err" || { echo "FAIL: the bad line is not named"; failures=$((failures + 1)); }
check 2 "a playlist without a login" "spotify:track:abc
" "$bin" playlist create Mood

mkdir -p "$XDG_DATA_HOME/emomusic"
printf '{"client_id":"x","refresh_token":"r","access_token":"a","expires_at":0,"scope":""}' \
  >"$XDG_DATA_HOME/emomusic/spotify_token.json"
chmod 600 "$XDG_DATA_HOME/emomusic/spotify_token.json"
check 0 "logout" "" "$bin" logout
[ -e "$XDG_DATA_HOME/emomusic/spotify_token.json" ] &&
  { echo "FAIL: logout left the token file"; failures=$((failures + 1)); }

unset SPOTIFY_CLIENT_ID SPOTIFY_CLIENT_SECRET
mkdir -p "$XDG_CONFIG_HOME/emomusic"
printf '{"client_id":"id","client_secret":"%s"}' "$secret" >"$XDG_CONFIG_HOME/emomusic/spotify.json"
chmod 644 "$XDG_CONFIG_HOME/emomusic/spotify.json"
check 3 "a credentials file others can read" "" "$bin" login --no-browser --wait 1

[ "$failures" -eq 0 ] && echo "spotify CLI smoke tests passed"
exit "$failures"
