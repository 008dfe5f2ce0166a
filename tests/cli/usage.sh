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
expect_exit 2 "$EMOMUSIC" train --data x.csv --arch resnet
expect_exit 2 "$EMOMUSIC" eval --data x.csv --tta sixcrop
echo "usage: all checks passed"
