#!/usr/bin/env bash
# Every numeric option of every command has a checked, finite range (issue 22): NaN, infinity, a
# value below its range and one above it are usage errors (exit 2) that name the option, and its
# bounds themselves are accepted. The options and their ranges are read from each command's
# --help, so a numeric option added without a range fails here.
# Usage: option_ranges.sh path/to/emomusic
EMOMUSIC=$1
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
export XDG_DATA_HOME=$WORK/data XDG_CONFIG_HOME=$WORK/config XDG_CACHE_HOME=$WORK/cache
exec python3 - "$EMOMUSIC" <<'PY'
import concurrent.futures, re, subprocess, sys

binary = sys.argv[1]
commands = [["train"], ["eval"], ["detect"], ["recommend"], ["serve"], ["history"],
            ["catalog", "import"], ["catalog", "stats"], ["catalog", "search"], ["feedback"],
            ["playlist", "create"], ["playlist", "refresh"], ["login"], ["logout"]]
option_line = re.compile(r"^\s+(?:-\w,)?(--[\w-]+)\s+(INT|UINT|FLOAT)\b(.*)$")
number_text = r"(-?[0-9.]+(?:e[-+]?[0-9]+)?)"
bounds = re.compile("from " + number_text + " to " + number_text)
failures = []

def run(args):
    p = subprocess.run([binary] + args, capture_output=True, text=True, errors="replace",
                       stdin=subprocess.DEVNULL, timeout=60)
    return p.returncode, p.stderr

def number(text, kind):
    return int(text) if kind != "FLOAT" else float(text)

cases = []     # (args, option): each must exit 2 naming the option
controls = []  # (args, what): each must exit 0 (the bounds, then --help)
checked = 0
for command in commands:
    code, _ = run(command + ["--help"])
    if code != 0:
        print("skip: " + " ".join(command) + " is not in this build")
        continue
    help_text = subprocess.run([binary] + command + ["--help"], capture_output=True,
                               text=True).stdout
    lows, highs = [], []
    for line in help_text.splitlines():
        m = option_line.match(line)
        if not m:
            continue
        option, kind, rest = m.groups()
        b = bounds.search(rest)
        if not b:
            failures.append(f"{' '.join(command)} {option} ({kind}) has no range: {line.strip()}")
            continue
        checked += 1
        lo, hi = number(b.group(1), kind), number(b.group(2), kind)
        below = lo - 1 if kind != "FLOAT" else lo - max(1.0, abs(lo))
        above = hi + 1 if kind != "FLOAT" else hi + max(1.0, abs(hi))
        for value in ["nan", "inf", repr(below), repr(above)]:
            cases.append((command + [option, value], option))
        lows += [option, b.group(1)]
        highs += [option, b.group(2)]
    if lows:
        controls.append((command + lows + ["--help"], "the lower bounds of " + " ".join(command)))
        controls.append((command + highs + ["--help"], "the upper bounds of " + " ".join(command)))

def check_case(case):
    args, option = case
    code, err = run(args)
    if code != 2 or option not in err:
        return f"{' '.join(args)}: exit {code}, expected 2 naming {option}: {err.strip()[:300]}"
    return None

def check_control(control):
    args, what = control
    code, err = run(args)
    return None if code == 0 else f"{what} refused: {' '.join(args)}: {err.strip()[:300]}"

with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
    failures += [f for f in pool.map(check_case, cases) if f]
    failures += [f for f in pool.map(check_control, controls) if f]
if checked < 40:
    failures.append(f"only {checked} numeric options found in the help; did its format change?")
for f in failures:
    print("FAIL: " + f, file=sys.stderr)
print(f"option ranges: {checked} numeric options, {len(cases)} bad values, "
      f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
PY
