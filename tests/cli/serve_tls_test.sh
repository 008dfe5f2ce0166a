#!/usr/bin/env bash
# `emomusic serve` beyond loopback, over real TLS on 127.0.0.2 (curl trusts exactly the server's
# certificate: --cacert, never -k): the certificate made once, kept 0600 and reused; every API
# route refused without the session cookie; the access secret exchanged for the cookie and its
# attributes; wrong secrets refused, then rate-limited; restarts, --new-secret and
# --tls-cert/--tls-key. Usage: serve_tls_test.sh path/to/emomusic
set -u
BIN=$1
WORK=$(mktemp -d)
export XDG_DATA_HOME=$WORK/data XDG_CONFIG_HOME=$WORK/config  # never the user's files
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
. "$(dirname "$0")/../support/checks.sh"
. "$(dirname "$0")/../support/serve.sh"
# 77: skipped (CTest's SKIP_RETURN_CODE).
for tool in curl openssl; do
  command -v $tool >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
SERVE_DIR=$XDG_CONFIG_HOME/emomusic/serve
CERT=$SERVE_DIR/server-cert.pem

# start NAME [serve options…]: a server on 127.0.0.2 and a free port; its first stdout line (the
# address with the secret) in $OPEN_URL, $URL without the secret, $SECRET, stderr in $WORK/NAME.err.
start() {
  local name=$1; shift
  start_serve "$WORK/$name.out" "$WORK/$name.err" --host 127.0.0.2 --port 0 --no-spotify "$@"
  OPEN_URL=$(head -1 "$WORK/$name.out")
  URL=${OPEN_URL%#k=*}
  SECRET=${OPEN_URL#*#k=}
  case "$OPEN_URL" in
    https://127.0.0.2:*/#k=*) ;;
    *) echo "FAIL: $name: serve printed no https address: $(cat "$WORK/$name.out" "$WORK/$name.err")" >&2; exit 1 ;;
  esac
}
stop() {
  kill -INT "$SERVER"; wait "$SERVER" 2>/dev/null; SERVER=
}

# http METHOD PATH [curl args…]: the status in $STATUS, the headers in $WORK/headers and the body
# in $WORK/body, over TLS checked against the server's own certificate.
http() {
  local method=$1 path=$2; shift 2
  STATUS=$(curl -s --cacert "$CERT" -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' \
    -X "$method" "$@" "$URL${path#/}")
}
expect_status() {
  local code=$1 what=$2; shift 2
  http "$@"
  [ "$STATUS" = "$code" ] || fail "$what: HTTP $STATUS, expected $code: $(head -c 300 "$WORK/body")"
}
page_token() {
  curl -s --cacert "$CERT" "$URL" | grep -o 'name="emomusic-token" content="[0-9a-f]*"' \
    | sed 's/.*content="//; s/"$//'
}
# sign_in SECRET [curl args…]: POST /api/session as the page does.
sign_in() {
  local secret=$1; shift
  http POST /api/session -H "X-Emomusic-Token: $TOKEN" -H "Content-Type: application/json" \
    -d "{\"secret\":\"$secret\"}" "$@"
}
mode_of() { stat -c %a "$1"; }
fingerprint_of() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'; }

start first
# The certificate: made on first use, said so, its fingerprint printed as openssl computes it.
[ -f "$CERT" ] || fail "no certificate in $SERVE_DIR"
for file in server-cert.pem server-key.pem access-secret; do
  [ "$(mode_of "$SERVE_DIR/$file")" = 600 ] || fail "$file has mode $(mode_of "$SERVE_DIR/$file"), not 600"
done
[ "$(mode_of "$SERVE_DIR")" = 700 ] || fail "$SERVE_DIR has mode $(mode_of "$SERVE_DIR"), not 700"
grep -q "made a new self-signed certificate .*(there was none yet)" "$WORK/first.err" \
  || fail "the first start did not say it made a certificate: $(cat "$WORK/first.err")"
FINGERPRINT=$(fingerprint_of "$CERT")
grep -q "fingerprint $FINGERPRINT" "$WORK/first.err" \
  || fail "the printed fingerprint is not the certificate's $FINGERPRINT: $(cat "$WORK/first.err")"
[ ${#SECRET} -eq 32 ] || fail "the secret '$SECRET' is not 32 characters"
[ "$(cat "$SERVE_DIR/access-secret")" = "$SECRET" ] || fail "the printed secret is not the stored one"

# TLS only: plain HTTP to the port gets no HTTP answer.
[ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.2:${URL##*:}api/health")" = 000 ] \
  || fail "the server answered plain HTTP beyond loopback"

# Without the cookie: the page and its files (they hold nothing private, and the page must load
# to sign in), no API route.
expect_status 200 "the page without the cookie" GET /
grep -qi '^referrer-policy: no-referrer' "$WORK/headers" || fail "the page has no Referrer-Policy: no-referrer"
expect_status 200 "the script without the cookie" GET /app.js
TOKEN=$(page_token)
[ ${#TOKEN} -eq 32 ] || fail "no token in the page"
AUTH=(-H "X-Emomusic-Token: $TOKEN" -H "Content-Type: application/json")
FEEDBACK='{"track_id":"4cOdK2wGLETKBW3PvgPWqT","artists":[],"emotion":"sad","kind":"like"}'
for route in "GET /api/config" "GET /api/health" "GET /api/recommend?emotion=happy" \
             "GET /api/history" "DELETE /api/history" "POST /api/analyze?session=a" \
             "POST /api/feedback" "POST /api/spotify/playlist" "GET /api/nothing"; do
  expect_status 401 "$route without the cookie" ${route% *} "${route#* }" "${AUTH[@]}" -d "$FEEDBACK"
  grep -q '^{"error":"' "$WORK/body" || fail "$route: no JSON error: $(head -c 300 "$WORK/body")"
done
expect_status 401 "a made-up cookie" GET /api/health -b "emomusic_session=$(printf '%064d' 0)"

# The exchange needs the page's token (no other site can post it) and the right secret.
expect_status 403 "the secret without the page's token" POST /api/session -d "{\"secret\":\"$SECRET\"}"
sign_in "$SECRET" -c "$WORK/jar"
[ "$STATUS" = 200 ] || fail "signing in: HTTP $STATUS $(cat "$WORK/body")"
COOKIE_LINE=$(tr -d '\r' <"$WORK/headers" | grep -i '^set-cookie: ')
for attribute in "emomusic_session=[0-9a-f]\{64\};" "; Path=/" "; HttpOnly" "; Secure" "; SameSite=Strict" "; Max-Age=[0-9]*"; do
  echo "$COOKIE_LINE" | grep -q "$attribute" || fail "the cookie lacks '$attribute': $COOKIE_LINE"
done
echo "$COOKIE_LINE" | grep -q "$SECRET" && fail "the cookie holds the secret"
COOKIE=(-b "$WORK/jar")
expect_status 200 "config with the cookie" GET /api/config "${COOKIE[@]}"
expect_status 200 "health with the cookie" GET /api/health "${COOKIE[@]}"
expect_status 200 "a like with the cookie" POST /api/feedback "${COOKIE[@]}" "${AUTH[@]}" -d "$FEEDBACK"
expect_status 200 "the page's own https Origin" GET /api/health "${COOKIE[@]}" -H "Origin: ${URL%/}"
expect_status 403 "the same host's http Origin" GET /api/health "${COOKIE[@]}" -H "Origin: http://${URL#https://}"
expect_status 403 "the cookie without the page's token" POST /api/feedback "${COOKIE[@]}" -d "$FEEDBACK"

# Wrong secrets: 403 each, then 429 for the address (the right secret too), logged without the
# secret that was tried.
WRONG=0123456789abcdef0123456789abcdef
for i in 1 2 3 4 5; do
  sign_in "$WRONG"
  [ "$STATUS" = 403 ] || fail "wrong secret $i: HTTP $STATUS, expected 403"
done
sign_in "$WRONG"
[ "$STATUS" = 429 ] || fail "the sixth wrong secret: HTTP $STATUS, expected 429"
grep -qi '^retry-after: [0-9]' "$WORK/headers" || fail "429 without Retry-After"
sign_in "$SECRET"
[ "$STATUS" = 429 ] || fail "the right secret from a refused address: HTTP $STATUS, expected 429"
expect_status 200 "a signed-in phone while another is refused" GET /api/health "${COOKIE[@]}"
grep -q "wrong access secret from 127.0.0.1 (5 in a row)" "$WORK/first.err" \
  || fail "wrong secrets are not logged: $(cat "$WORK/first.err")"
grep -q "$WRONG" "$WORK/first.err" && fail "the log holds a secret that was tried"
grep -q "$SECRET" "$WORK/first.err" && fail "the log holds the access secret"
stop

# A second start: the same certificate (not made again), the same secret, the cookie still good.
start second
[ "$(fingerprint_of "$CERT")" = "$FINGERPRINT" ] || fail "the second start made another certificate"
grep -q "made a new" "$WORK/second.err" && fail "the second start made a certificate: $(cat "$WORK/second.err")"
grep -q "fingerprint $FINGERPRINT" "$WORK/second.err" || fail "the second start printed another fingerprint"
[ "${OPEN_URL#*#k=}" = "$(cat "$SERVE_DIR/access-secret")" ] || fail "the second start has another secret"
expect_status 200 "the cookie after a restart" GET /api/health "${COOKIE[@]}"
stop

# --new-secret: another secret, and the phones signed in with the old one are out.
OLD_SECRET=$SECRET
start renewed --new-secret
[ "$SECRET" != "$OLD_SECRET" ] || fail "--new-secret kept the old secret"
[ "$(cat "$SERVE_DIR/access-secret")" = "$SECRET" ] || fail "--new-secret did not store its secret"
expect_status 401 "the old cookie after --new-secret" GET /api/health "${COOKIE[@]}"
stop

# The user's own certificate: used as it is; a key of another certificate is bad input (exit 3),
# one of the two alone a usage error (exit 2).
cp "$CERT" "$WORK/mine.pem"; cp "$SERVE_DIR/server-key.pem" "$WORK/mine.key"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=other \
  -keyout "$WORK/other.key" -out "$WORK/other.pem" -days 1 2>/dev/null
expect 3 "a key of another certificate" -- "$BIN" serve --host 127.0.0.2 --port 0 --no-spotify \
  --tls-cert "$WORK/mine.pem" --tls-key "$WORK/other.key"
grep -q "is not the key of the certificate" "$WORK/err" || fail "mismatched pair: $(cat "$WORK/err")"
expect 3 "a missing certificate" -- "$BIN" serve --host 127.0.0.2 --port 0 --no-spotify \
  --tls-cert "$WORK/none.pem" --tls-key "$WORK/mine.key"
expect 2 "--tls-cert alone" -- "$BIN" serve --host 127.0.0.2 --port 0 --tls-cert "$WORK/mine.pem"
rm "$CERT"
start given --tls-cert "$WORK/mine.pem" --tls-key "$WORK/mine.key"
grep -q "fingerprint $FINGERPRINT" "$WORK/given.err" || fail "the given certificate is not served: $(cat "$WORK/given.err")"
[ -e "$CERT" ] && fail "a server with the user's certificate made its own"
CERT=$WORK/mine.pem
expect_status 200 "the page with the given certificate" GET /
stop

finish serve_tls
