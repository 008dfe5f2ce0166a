#!/usr/bin/env bash
# Start-up cost of each subcommand: wall time (median of N runs) and peak memory (max RSS) of the
# whole process, for issue 13's table. A benchmark, not a test.
#   scripts/bench_startup.sh [BINARY] [RUNS]     default build/apps/emomusic/emomusic, 10 runs
# Uses a scratch XDG_DATA_HOME holding a catalog imported from ../shared's 14k-track CSV when it
# is present (else the starter catalog answers), and a taiwanese-dev photo for detect.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build/apps/emomusic/emomusic}")
RUNS=${2:-10}
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
export XDG_DATA_HOME=$SCRATCH/data XDG_CONFIG_HOME=$SCRATCH/config XDG_CACHE_HOME=$SCRATCH/cache
TRACKS=../shared/data/music/spotify_tracks_14k.csv
[ -f "$TRACKS" ] && "$BIN" -q catalog import "$TRACKS" >/dev/null
PHOTO=$(ls ../shared/data/faces/taiwanese-dev/*/*.jpg ../shared/data/faces/taiwanese-dev/*.jpg 2>/dev/null | head -1 || true)
python3 - "$BIN" "$RUNS" "$PHOTO" <<'PY'
import os, statistics, subprocess, sys, time
binary, runs, photo = sys.argv[1], int(sys.argv[2]), sys.argv[3]
commands = [
    ["--version"], ["--help"], ["recommend", "--emotion", "happy", "--no-spotify"],
    ["catalog", "stats"], ["catalog", "search", "love"], ["history", "--days", "7"],
    ["logout"], ["login", "--help"], ["playlist", "--help"],
]
if photo:
    commands += [["detect", "--image", photo], ["recommend", "--from-image", photo, "--no-spotify"]]
print(f"{'command':58} {'wall ms (median)':>16} {'peak MB':>8}  exit")
for args in commands:
    walls, rss, code = [], [], None
    for _ in range(runs):
        start = time.perf_counter()
        p = subprocess.Popen([binary] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        walls.append((time.perf_counter() - start) * 1000)
        rss.append(usage.ru_maxrss / 1024)
        code = os.waitstatus_to_exitcode(status)
    name = "emomusic " + " ".join(a if len(a) < 30 else "…/" + os.path.basename(a) for a in args)
    print(f"{name:58} {statistics.median(walls):16.1f} {max(rss):8.1f}  {code}")
PY
