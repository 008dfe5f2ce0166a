#!/usr/bin/env bash
# `emomusic` runs the commands that need no network itself, without LibTorch or OpenCV, and hands
# the others to emomusic-ml (issue 13), each as the table of commands says (issue 20).
# Usage: front_test.sh path/to/emomusic path/to/apps/emomusic/commands.def
EMOMUSIC=$1
TABLE=$2
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
. "$(dirname "$0")/lib.sh"
export XDG_DATA_HOME=$WORK/data XDG_CONFIG_HOME=$WORK/config XDG_CACHE_HOME=$WORK/cache

# The point of the split: the front links neither library, so it starts in milliseconds.
ldd "$EMOMUSIC" >"$WORK/ldd"
expect_not_in "$WORK/ldd" "libtorch"
expect_not_in "$WORK/ldd" "libc10"
expect_not_in "$WORK/ldd" "libopencv"
[ -x "$(dirname "$EMOMUSIC")/emomusic-ml" ] || fail "emomusic-ml is not built beside emomusic"

# The help lists every command, including those emomusic-ml runs.
expect_exit 0 "$EMOMUSIC" --help
for cmd in train eval recommend catalog history; do expect_in "$WORK/out" "$cmd"; done

# Handed over with the command line, exit code and streams intact.
expect_exit 4 "$EMOMUSIC" -q eval --model "$WORK/missing.safetensors" --data "$WORK/none.csv"
expect_in "$WORK/err" "missing.safetensors"
expect_exit 2 "$EMOMUSIC" train --data x.csv --arch transformer

# Without emomusic-ml beside it (or in ../libexec/emomusic): those commands say what is missing
# and exit 8; the others work as before.
mkdir -p "$WORK/bin"
cp "$EMOMUSIC" "$WORK/bin/emomusic"
expect_exit 8 "$WORK/bin/emomusic" train --data x.csv
expect_in "$WORK/err" "emomusic-ml"
expect_exit 8 "$WORK/bin/emomusic" recommend --from-image face.jpg
expect_exit 0 "$WORK/bin/emomusic" --version
expect_exit 0 "$WORK/bin/emomusic" recommend --emotion happy --no-spotify -n 3 -f uris
[ "$(wc -l <"$WORK/out")" -eq 3 ] || fail "recommend without emomusic-ml: $(cat "$WORK/out")"

# An emomusic-ml that is a copy of the front would exec itself for ever (issue 22): it is named
# and refused with exit 8 at once.
mkdir -p "$WORK/copy"
cp "$EMOMUSIC" "$WORK/copy/emomusic"
cp "$EMOMUSIC" "$WORK/copy/emomusic-ml"
expect_exit 8 timeout 10 "$WORK/copy/emomusic" detect --image x
expect_in "$WORK/err" "$WORK/copy/emomusic-ml"

# An install layout: bin/emomusic finds libexec/emomusic/emomusic-ml.
mkdir -p "$WORK/prefix/bin" "$WORK/prefix/libexec/emomusic"
cp "$EMOMUSIC" "$WORK/prefix/bin/emomusic"
ln -s "$(realpath "$(dirname "$EMOMUSIC")/emomusic-ml")" "$WORK/prefix/libexec/emomusic/emomusic-ml"
expect_exit 0 "$WORK/prefix/bin/emomusic" train --help
expect_in "$WORK/out" "--arch"
# The table of commands (commands.def) is what both programs list and how the front dispatches:
# the two helps list the same commands, all from the table; without emomusic-ml, a command that
# runs there says so (8), one that runs in the front works, and one that runs in either is handed
# over for each of its ml_options.
commands_of() {
  awk '/^[A-Z][A-Za-z ]*:$/ {s = ($0 == "Subcommands:")} s && /^  [a-z]/ {print $1}' "$1" | sort
}
"$EMOMUSIC" --help >"$WORK/front_help" || fail "emomusic --help"
"$(dirname "$EMOMUSIC")/emomusic-ml" --help >"$WORK/ml_help" || fail "emomusic-ml --help"
commands_of "$WORK/front_help" >"$WORK/front_commands"
commands_of "$WORK/ml_help" >"$WORK/ml_commands"
[ -s "$WORK/front_commands" ] || fail "no commands in emomusic --help: $(cat "$WORK/front_help")"
cmp -s "$WORK/front_commands" "$WORK/ml_commands" \
  || fail "the two programs list other commands: $(paste -d' ' "$WORK/front_commands" "$WORK/ml_commands")"
listed=0
while IFS='|' read -r name runs ml_options; do
  grep -qx "$name" "$WORK/front_commands" || continue  # not in this build
  listed=$((listed + 1))
  case $runs in
    ML) expect_exit 8 "$WORK/bin/emomusic" "$name" --help
        expect_in "$WORK/err" "emomusic-ml" ;;
    FRONT) expect_exit 0 "$WORK/bin/emomusic" "$name" --help ;;
    FRONT_OR_ML)
      expect_exit 0 "$WORK/bin/emomusic" "$name" --help
      for option in $ml_options; do
        expect_exit 8 "$WORK/bin/emomusic" "$name" "$option" x
        expect_in "$WORK/err" "emomusic-ml"
      done ;;
    *) fail "commands.def: $name runs in '$runs'" ;;
  esac
done < <(sed -n 's/^EMOMUSIC_COMMAND(\([a-z]*\), [A-Z_]*, \([A-Z_]*\), "\([^"]*\)".*/\1|\2|\3/p' "$TABLE")
[ "$listed" -eq "$(wc -l <"$WORK/front_commands")" ] \
  || fail "the help lists commands that commands.def does not: $(cat "$WORK/front_commands")"
echo "front: all checks passed"
