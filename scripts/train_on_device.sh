#!/usr/bin/env bash
# Trains emomusic on the accelerator machine in one call (../shared/docs/device.md says why so).
#
#   scripts/train_on_device.sh prepare CARRY_DIR [CHECKPOINT]
#     Here. Packs into CARRY_DIR (an ignored folder, e.g. build-carry, named in the device
#     tool's `carry`) what the machine lacks: FER2013 as emomusic's packed dataset (xz), and the
#     headers, CMake config files and libraries of CLI11, nlohmann-json, spdlog, fmt, stb and
#     zlib. CHECKPOINT: a checkpoint brought back from a run that was cut short, to resume.
#
#   scripts/train_on_device.sh run [TRAIN OPTIONS...]
#     There, with $OUT set. Builds emomusic against the machine's CUDA LibTorch, probes one
#     epoch, sizes --epochs so that the cosine schedule ends before the deadline (or resumes the
#     carried checkpoint, whose run fixed the epochs), trains, evaluates on PublicTest with and
#     without tencrop, and leaves in $OUT: the model in 15 MB parts with their sha256, a
#     checkpoint when the run was cut short and it fits, and results.tar.gz (metrics, curves,
#     evaluations, logs). TRAIN OPTIONS replace the default recipe; never --data, --out,
#     --epochs or --resume, which this script sets.
#
# Environment (run): RECIPE (the default options: wide-vgg, or resnet18), CARRY (build-carry),
# PROBE_LIMIT (images a batch-size probe trains on: 8192, at least two batches), DEADLINE_S
# (seconds from the start until everything must be in $OUT: 540), EPOCHS (a fixed epoch count
# instead of sizing; a resumed run needs the one it started with), MAX_EPOCHS (300), DEVICE
# (cuda), BUILD_DIR (build-device), TORCH_PREFIX (LibTorch's CMake prefix; default: the Python
# torch's), EMOMUSIC_BIN (an emomusic already built: no build, for trying the script out on the
# CPU).
# Environment (prepare): FER (../shared/data/fer2013/fer2013.csv.gz), EMOMUSIC_BUILD_DIR
# (build), whose emomusic packs the data.
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
  echo "train_on_device: $*" >&2
  exit 1
}

# The recipe that gave 68.7% with tencrop in 36 epochs (device.md) at batch 64, fp32. Here at
# batch 128 with the rate scaled from its batch-64 value (--lr-batch 64) and bf16 autocast: the
# H200 ran that recipe at 3% of its bf16 rate, bound by launches and syncs, so bigger steps and
# bf16 are what raise images/s. On the project's earlier CPU (Intel, AMX) bf16 autocast doubled
# the training rate with the same validation accuracy after 14 fine-tuning epochs
# (models/MODEL_CARD.md); GPUs since Ampere compute bf16 natively.
SGD_RECIPE=(--optimizer sgd --lr 0.01 --lr-batch 64 --momentum 0.9 --weight-decay 5e-4
  --schedule cosine --warmup 2 --batch-size 128 --precision bf16)
WIDE_VGG_OPTIONS=(--arch vgg --channels "64,128,256,512" --convs-per-stage 2 --hidden 1024
  "${SGD_RECIPE[@]}")
# ResNet-18's widths and depth (11M parameters) in emomusic's residual network, with the same
# optimiser and schedule: the architecture of issue 18 that the CPU could not train to the end
# (models/MODEL_CARD.md).
RESNET18_OPTIONS=(--arch resnet --channels "64,128,256,512" --convs-per-stage 4 --hidden 0
  --dropout 0.2 "${SGD_RECIPE[@]}")
# The batch sizes whose images/s the run measures first, so that even a run cut short answers
# how fast the recipe goes.
PROBE_BATCHES=(128 256 512)
# The packages whose files the build needs; all of stb, since the plots use stb_easy_font.h too.
DEV_PACKAGES=(libcli11-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libstb-dev zlib1g-dev)
# What $OUT brings back: at most 8 files of 16 MiB, 64 MiB in all.
PART_BYTES=$((15 * 1024 * 1024))
OUT_LIMIT_BYTES=$((62 * 1024 * 1024))

prepare() {
  local carry=${1:?usage: $0 prepare CARRY_DIR [CHECKPOINT]} checkpoint=${2:-}
  local fer=${FER:-../shared/data/fer2013/fer2013.csv.gz}
  local bin=${EMOMUSIC_BUILD_DIR:-build}/apps/emomusic/emomusic-ml
  [[ -f $fer ]] || die "$fer: no FER2013 CSV (set FER)"
  [[ -x $bin ]] || die "$bin: build emomusic first (or set EMOMUSIC_BUILD_DIR)"
  git check-ignore -q "$carry/x" || die "$carry: not ignored by git; the device tool carries only ignored folders it is told to"
  mkdir -p "$carry"
  local scratch
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' RETURN

  # The packed dataset is what emomusic caches after its first parse of the CSV; an evaluation
  # of the shipped model writes it, and its accuracy shows the packed data reads back right.
  "$bin" -q eval --data "$fer" --cache-dir "$scratch/cache" --split PublicTest --json \
    --model models/emotion.safetensors >"$scratch/check.json"
  python3 -c "import json,sys; print(f\"packed FER2013: the shipped model scores {100*json.load(open(sys.argv[1]))['accuracy']:.2f}% on PublicTest\")" \
    "$scratch/check.json"
  local packed
  packed=$(ls "$scratch"/cache/*.safetensors)
  xz -9 -T0 -c "$packed" >"$carry/fer2013.safetensors.xz"

  # Dereferenced, so that a .so link becomes the file; then the libraries the CMake configs
  # name, which they check exist (with header-only logging nothing links them).
  local deps=$scratch/deps f
  for f in $(dpkg -L "${DEV_PACKAGES[@]}"); do
    [[ -f $f && $f != /usr/share/doc/* && $f != /usr/share/man/* && $f != */pkgconfig/* ]] || continue
    mkdir -p "$deps$(dirname "$f")"
    cp -L "$f" "$deps$f"
  done
  for f in $(sed -n 's|.*"${_IMPORT_PREFIX}\(/[^"]*\)".*|\1|p' \
    "$deps"/usr/lib/x86_64-linux-gnu/cmake/*/*-none.cmake | sort -u); do
    cp -L "/usr$f" "$deps/usr$f"
  done
  tar -C "$deps" -cJf "$carry/deps.tar.xz" usr

  rm -f "$carry/resume.checkpoint.safetensors"
  [[ -z $checkpoint ]] || cp "$checkpoint" "$carry/resume.checkpoint.safetensors"
  du -cb "$carry"/* | awk -v dir="$carry" '$2 == "total" {
    printf "%s: %.1f MiB to carry (the limit is 64 MiB with anything else carried)\n", dir, $1 / 1048576
    if ($1 > 64 * 1048576) exit 1 }' || die "$carry is too large to carry"
}

# Seconds left before the deadline.
left() { echo $((deadline - $(date +%s))); }

# The value of `column` in the last row of a metrics CSV.
last_csv() {
  python3 -c "import csv,sys; print(list(csv.DictReader(open(sys.argv[1])))[-1][sys.argv[2]])" "$1" "$2"
}

run() {
  [[ -n ${OUT:-} && -d $OUT ]] || die "\$OUT is not a folder"
  local start carry=${CARRY:-build-carry} device=${DEVICE:-cuda}
  start=$(date +%s)
  deadline=$((start + ${DEADLINE_S:-540}))
  local work
  work=$(mktemp -d)
  mkdir -p "$work/logs" "$work/runs" "$work/probe"
  # Everything said goes to the log brought back, and to the tool's output tail; if the run
  # stops early, the logs come back all the same.
  exec > >(tee "$work/logs/run.log") 2>&1
  # shellcheck disable=SC2064  # $work is fixed from here on
  trap "[[ -f \$OUT/results.tar.gz ]] || tar -C '$work' -czf \$OUT/results.tar.gz logs" EXIT
  local options=("$@")
  if ((${#options[@]} == 0)); then
    case ${RECIPE:-wide-vgg} in
      wide-vgg) options=("${WIDE_VGG_OPTIONS[@]}") ;;
      resnet18) options=("${RESNET18_OPTIONS[@]}") ;;
      *) die "RECIPE=$RECIPE: expected wide-vgg or resnet18" ;;
    esac
  fi
  echo "run: options ${options[*]}, device $device, $(left) s to the deadline"

  # Python's lzma and tarfile, as the machine may lack xz.
  python3 -c "import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], 'wb'))" \
    "$carry/fer2013.safetensors.xz" "$work/fer2013.safetensors"
  local bin=${EMOMUSIC_BIN:-}
  if [[ -z $bin ]]; then
    local build=${BUILD_DIR:-build-device} prefix=${TORCH_PREFIX:-}
    [[ -n $prefix ]] || prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
    python3 -c "import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" \
      "$carry/deps.tar.xz" "$work"
    local deps=$work/usr
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$deps;$prefix" -DEMOMUSIC_WITH_VISION=OFF -DEMOMUSIC_WITH_MUSIC=OFF \
      -DEMOMUSIC_WITH_SPOTIFY=OFF -DEMOMUSIC_HEADER_ONLY_LOGGING=ON -DEMOMUSIC_BUILD_TESTS=OFF \
      -DZLIB_INCLUDE_DIR="$deps/include" -DZLIB_LIBRARY="$deps/lib/x86_64-linux-gnu/libz.a" \
      >"$work/logs/cmake.log" 2>&1 || { tail -30 "$work/logs/cmake.log"; die "cmake failed"; }
    cmake --build "$build" --target emomusic_ml -j "$(nproc)" >"$work/logs/build.log" 2>&1 ||
      { tail -30 "$work/logs/build.log"; die "the build failed"; }
    bin=$build/apps/emomusic/emomusic-ml
    echo "run: built in $(($(date +%s) - start)) s"
  fi
  local data=$work/fer2013.safetensors model=$work/runs/emotion.safetensors
  local common=(--data "$data" --no-cache --device "$device")

  # Images/s at each probe batch size: the recipe without its own --batch-size and --limit, on
  # a few thousand faces, one epoch each.
  local unbatched=() i b probe_limit=${PROBE_LIMIT:-8192}
  for ((i = 0; i < ${#options[@]}; i++)); do
    case ${options[i]} in
      --batch-size | --limit) ((i++)) || true ;;
      *) unbatched+=("${options[i]}") ;;
    esac
  done
  for b in "${PROBE_BATCHES[@]}"; do
    if "$bin" -q train "${common[@]}" "${unbatched[@]}" --batch-size "$b" --epochs 1 \
      --limit "$((probe_limit > 2 * b ? probe_limit : 2 * b))" \
      --out "$work/probe/batch$b.safetensors" >"$work/logs/probe_batch$b.log" 2>&1; then
      echo "run: throughput at batch $b: $(last_csv "$work/probe/batch$b.metrics.csv" images_per_second) images/s"
    else
      echo "run: the batch-$b probe failed: $(tail -1 "$work/logs/probe_batch$b.log")"
    fi
  done

  # The probe: one epoch of this very recipe, from process start to its end, which includes
  # starting up and loading the data. The first epoch is the slowest (cuDNN trying algorithms),
  # so sizing from it errs on the safe side.
  local t0 probe_s epoch_s
  t0=$(date +%s.%N)
  "$bin" -q train "${common[@]}" "${options[@]}" --epochs 1 --out "$work/probe/probe.safetensors" \
    >"$work/logs/probe.log" 2>&1 || { tail -20 "$work/logs/probe.log"; die "the probe failed"; }
  probe_s=$(python3 -c "import sys,time; print(time.time() - float(sys.argv[1]))" "$t0")
  epoch_s=$(last_csv "$work/probe/probe.metrics.csv" seconds)
  echo "run: probe epoch ${epoch_s} s (${probe_s} s with start-up), $(last_csv "$work/probe/probe.metrics.csv" images_per_second) images/s"

  # Kept back for the evaluations and the packing after training: two start-ups and passes over
  # PublicTest cost less than two probes.
  local reserve=$((30 + 2 * ${probe_s%.*}))
  local budget=$(($(left) - reserve))
  local epochs resume=()
  if [[ -f $carry/resume.checkpoint.safetensors ]]; then
    [[ -n ${EPOCHS:-} ]] || die "resuming needs EPOCHS, the epoch count the run started with"
    cp "$carry/resume.checkpoint.safetensors" "$work/runs/emotion.checkpoint.safetensors"
    epochs=$EPOCHS
    resume=(--resume)
  elif [[ -n ${EPOCHS:-} ]]; then
    epochs=$EPOCHS
  else
    # The start-up once, then per epoch its measured time, which leaves out the saving of the
    # model, checkpoint and curves after it: a tenth and half a second more for those.
    epochs=$(python3 -c "import sys; b, p, e, m = map(float, sys.argv[1:]); print(max(0, min(int(m), int((b - (p - e)) / (1.1 * e + 0.5)))))" \
      "$budget" "$probe_s" "$epoch_s" "${MAX_EPOCHS:-300}")
    ((epochs > 0)) || die "no epoch fits in the $budget s left for training"
  fi
  echo "run: training ${epochs} epochs${resume:+ (resuming)} within $budget s"

  # Cut short (SIGINT, as Ctrl-C) if it runs over: emomusic keeps the last epoch's checkpoint.
  local status=0
  timeout -s INT -k 20 "$budget" "$bin" train "${common[@]}" "${options[@]}" --epochs "$epochs" \
    --out "$model" "${resume[@]}" >"$work/logs/train.log" 2>&1 || status=$?
  grep -E "^(info: (epoch [0-9]+/|done|resuming|training|peak)|warn|error)" "$work/logs/train.log" |
    tail -n 12 || true
  echo "run: training ended with status $status after $(($(date +%s) - start)) s"
  [[ -f $model ]] || die "no model was written"

  local tta
  for tta in none tencrop; do
    "$bin" -q eval --data "$data" --no-cache --device "$device" --model "$model" \
      --split PublicTest --tta "$tta" --json >"$work/runs/publictest_$tta.json" ||
      echo "run: the $tta evaluation failed"
  done
  python3 -c "import json,sys
for p in sys.argv[1:]:
    d = json.load(open(p)); print(f'run: {p.rsplit(\"/\", 1)[-1]}: accuracy {100*d[\"accuracy\"]:.2f}%, macro-F1 {100*d[\"macro_f1\"]:.2f}%')" \
    "$work"/runs/publictest_*.json || true

  # The model in parts with its checksum; the checkpoint too when the run did not finish and
  # there is room for it.
  (cd "$work/runs" && sha256sum emotion.safetensors >emotion.safetensors.sha256)
  split -b "$PART_BYTES" -d "$model" "$OUT/emotion.safetensors.part-"
  local checkpoint=$work/runs/emotion.checkpoint.safetensors
  if ((status != 0)) && [[ -f $checkpoint ]]; then
    local used size
    used=$(du -cb "$OUT"/* | tail -1 | cut -f1)
    size=$(stat -c %s "$checkpoint")
    if ((used + size < OUT_LIMIT_BYTES)) && (($(ls "$OUT" | wc -l) + size / PART_BYTES + 2 <= 8)); then
      (cd "$work/runs" && sha256sum emotion.checkpoint.safetensors >emotion.checkpoint.safetensors.sha256)
      split -b "$PART_BYTES" -d "$checkpoint" "$OUT/emotion.checkpoint.safetensors.part-"
    else
      echo "run: the checkpoint ($size bytes) does not fit in \$OUT beside the model"
    fi
  fi
  echo "run: done after $(($(date +%s) - start)) s"
  # The log last, so that it holds everything said; a copy, while tee still writes it.
  cp "$work/logs/run.log" "$work/logs/run.log.copy"
  tar -C "$work" -czf "$OUT/results.tar.gz" --exclude=emotion.safetensors \
    --exclude=emotion.checkpoint.safetensors --exclude='probe/*.safetensors' --exclude=logs/run.log \
    runs logs probe
}

case ${1:-} in
  prepare) shift && prepare "$@" ;;
  run) shift && run "$@" ;;
  *) die "usage: $0 prepare CARRY_DIR [CHECKPOINT] | run [TRAIN OPTIONS...]" ;;
esac
