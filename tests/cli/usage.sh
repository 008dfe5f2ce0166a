#!/usr/bin/env bash
# Help, version and usage errors: exit 0 for help/version, 2 for a bad command line.
EMOMUSIC=$1
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
. "$(dirname "$0")/lib.sh"

expect_exit 0 "$EMOMUSIC" --help;          expect_in "$WORK/out" "Subcommands:"
expect_exit 0 "$EMOMUSIC" --version;       expect_in "$WORK/out" "emomusic "
expect_exit 0 "$EMOMUSIC" train --help;    expect_in "$WORK/out" "--arch"
expect_exit 0 "$EMOMUSIC" eval --help;     expect_in "$WORK/out" "--tta"
# Each command that runs a model shows examples in its help (those this build has).
expect_exit 0 "$EMOMUSIC" --help; cp "$WORK/out" "$WORK/commands"
for cmd in train eval detect serve; do
  grep -q "^  $cmd " "$WORK/commands" || continue
  expect_exit 0 "$EMOMUSIC" "$cmd" --help; expect_in "$WORK/out" "Examples:"
done
expect_exit 2 "$EMOMUSIC";                 expect_in "$WORK/err" "subcommand"
expect_exit 2 "$EMOMUSIC" frobnicate
expect_exit 2 "$EMOMUSIC" train;           expect_in "$WORK/err" "--data is required"
expect_exit 2 "$EMOMUSIC" train --data x.csv --arch transformer
expect_exit 2 "$EMOMUSIC" eval --data x.csv --tta sixcrop

# Messages name what was wrong, once and without its line end (issue 24).
export XDG_DATA_HOME=$WORK/data XDG_CONFIG_HOME=$WORK/config XDG_CACHE_HOME=$WORK/cache
for bin in "$EMOMUSIC" "$(dirname "$EMOMUSIC")/emomusic-ml"; do
  expect_exit 2 "$bin" bogus
  expect_in "$WORK/err" "unknown command 'bogus'"
  expect_not_in "$WORK/err" "subcommand is required"
  expect_exit 2 "$bin" -q bogus --limit 3
  expect_in "$WORK/err" "unknown command 'bogus'"
done
printf 'bogus\n' >"$WORK/bogus.txt"
expect_exit 2 "$EMOMUSIC" recommend -e - --no-spotify <"$WORK/bogus.txt"
expect_in "$WORK/err" "unknown emotion 'bogus'"
expect_not_in "$WORK/err" 'bogus\\n'
printf 'emotion,pixels,Usage\n3,1 2 3,Training\n' >"$WORK/bad.csv"
expect_exit 3 "$EMOMUSIC" train --data "$WORK/bad.csv" --out "$WORK/m.safetensors" --no-cache
expect_in "$WORK/err" "--skip-bad skips such rows"
expect_not_in "$WORK/err" "can be skipped"  # the same hint a second time, in other words
[ "$(grep -o -- "--skip-bad" "$WORK/err" | wc -l)" -eq 1 ] || fail "the hint twice: $(cat "$WORK/err")"
echo "usage: all checks passed"
