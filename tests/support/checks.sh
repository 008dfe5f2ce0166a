# Counting checks for the test scripts that run the built binary: a failed check is reported and
# counted, the script goes on, and `finish` ends it with the verdict. Source it; `expect` keeps the
# command's output in $WORK/out and $WORK/err, so set WORK first.
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect CODE DESCRIPTION -- COMMAND...: runs COMMAND and checks its exit code.
expect() {
  local code=$1 what=$2; shift 3
  "$@" >"$WORK/out" 2>"$WORK/err"
  local got=$?
  [ "$got" -eq "$code" ] || fail "$what: exit $got, expected $code; stderr: $(cat "$WORK/err")"
}

# finish NAME: exits 1 when a check failed, 0 otherwise, saying so.
finish() {
  if [ "$failures" -gt 0 ]; then
    echo "$1: $failures check(s) failed" >&2
    exit 1
  fi
  echo "$1: all checks passed"
  exit 0
}
