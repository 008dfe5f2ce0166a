#!/usr/bin/env bash
# Benchmark of `emomusic serve` (not a test): milliseconds from posting a 640x480 JPEG to
# /api/analyze until the answer, median and p90, for one client and for 4 at once; the frames per
# second that gives; and the server's memory at rest and after FRAMES frames (growth = a leak).
#   scripts/bench_serve.sh [BINARY] [FRAMES]    default build/apps/emomusic/emomusic, 2000
# The frame is a taiwanese-dev photo (../shared) padded to 640x480, else a blank frame (no face).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build/apps/emomusic/emomusic}")
FRAMES=${2:-2000}
SCRATCH=$(mktemp -d)
export XDG_DATA_HOME=$SCRATCH/data XDG_CONFIG_HOME=$SCRATCH/config XDG_CACHE_HOME=$SCRATCH/cache
"$BIN" -q serve --port 0 >"$SCRATCH/url" 2>"$SCRATCH/err" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$SCRATCH"' EXIT
for _ in $(seq 100); do [ -s "$SCRATCH/url" ] && break; sleep 0.1; done
PHOTO=$(ls ../shared/data/faces/taiwanese-dev/happy/*.jpg 2>/dev/null | head -1 || true)
python3 - "$(cat "$SCRATCH/url")" "$SERVER" "$FRAMES" "$PHOTO" <<'PY'
import concurrent.futures, re, statistics, subprocess, sys, time, urllib.request
url, pid, frames, photo = sys.argv[1].strip().rstrip("/"), sys.argv[2], int(sys.argv[3]), sys.argv[4]
def rss_mb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"): return int(line.split()[1]) / 1024
token = re.search(r'name="emomusic-token" content="([0-9a-f]+)"',
                  urllib.request.urlopen(url + "/").read().decode()).group(1)
source = ["-i", photo, "-vf", "scale=-1:480,pad=640:480:(ow-iw)/2:0"] if photo else \
         ["-f", "lavfi", "-i", "color=gray:s=640x480"]
jpeg = subprocess.run(["ffmpeg", "-loglevel", "error", *source, "-frames:v", "1", "-f", "image2pipe",
                       "-vcodec", "mjpeg", "-"], capture_output=True, check=True).stdout
def post(i):
    req = urllib.request.Request(f"{url}/api/analyze?session=s{i % 4}", data=jpeg, method="POST",
                                 headers={"Content-Type": "image/jpeg", "X-Emomusic-Token": token})
    t = time.perf_counter(); urllib.request.urlopen(req).read()
    return (time.perf_counter() - t) * 1000
def report(name, ms, seconds):
    ms = sorted(ms)
    print(f"{name:10} median {statistics.median(ms):6.1f} ms  p90 {ms[int(0.9 * len(ms))]:6.1f} ms  "
          f"{len(ms) / seconds:5.1f} frames/s")
print(f"frame: {'a face photo' if photo else 'blank (no face)'}, {len(jpeg)} bytes; at rest {rss_mb():.0f} MB")
post(0)
t = time.perf_counter(); one = [post(0) for _ in range(200)]; report("1 client", one, time.perf_counter() - t)
with concurrent.futures.ThreadPoolExecutor(4) as pool:
    t = time.perf_counter(); four = list(pool.map(post, range(400))); report("4 clients", four, time.perf_counter() - t)
start = rss_mb()
with concurrent.futures.ThreadPoolExecutor(2) as pool:
    list(pool.map(post, range(frames)))
print(f"memory: {start:.0f} MB after warm-up, {rss_mb():.0f} MB after {frames} more frames")
PY
