# Starts `emomusic serve` ($BIN) for the tests of it. Source it, then:
#   start_serve OUT ERR [serve options…]   runs it in the background (its pid in $SERVER), stdout
#       to OUT and stderr to ERR, and waits at most 20 s for its first line (the address) or its
#       exit
start_serve() {
  local out=$1 err=$2
  shift 2
  "$BIN" serve "$@" >"$out" 2>"$err" &
  SERVER=$!
  for _ in $(seq 1 200); do
    [ -s "$out" ] && break
    kill -0 "$SERVER" 2>/dev/null || break
    sleep 0.1
  done
}
