#!/usr/bin/env bash
# Benchmark of data-parallel training (not a test): training images/s of the shipped architecture
# (vgg 32,64,128,256, 1 conv per stage, hidden 256) for
#   1 rank x 1 thread, 1 rank x 2 threads, 2 ranks x 1 thread (Gloo on loopback),
# at the same global batch, and the gradient exchange's milliseconds per step of the 2 ranks.
# Generated faces (the data do not matter for speed); the last epoch's figures count.
#   scripts/bench_distributed.sh [BINARY] [FACES_PER_CLASS] [GLOBAL_BATCH]
#   defaults: build/apps/emomusic/emomusic 64 32
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build/apps/emomusic/emomusic}")
PER_CLASS=${2:-64}
BATCH=${3:-32}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export XDG_CACHE_HOME=$WORK/cache GLOO_SOCKET_IFNAME=lo
unset RANK WORLD_SIZE MASTER_ADDR MASTER_PORT SLURM_PROCID SLURM_NTASKS
. tests/cli/lib.sh
fer_csv "$WORK/fer.csv" "$PER_CLASS" Training
ARGS=(train --data "$WORK/fer.csv" --arch vgg --channels 32,64,128,256 --convs-per-stage 1
      --hidden 256 --epochs 2 --no-augment --overwrite)
rate() { grep "epoch 2/2:" "$1" | sed 's/.*| \([0-9]*\) img\/s.*/\1/'; }

OMP_NUM_THREADS=1 "$BIN" "${ARGS[@]}" --threads 1 --batch-size "$BATCH" \
  --out "$WORK/a.safetensors" 2>"$WORK/one1.err"
OMP_NUM_THREADS=2 "$BIN" "${ARGS[@]}" --threads 2 --batch-size "$BATCH" \
  --out "$WORK/b.safetensors" 2>"$WORK/one2.err"
for r in 0 1; do
  RANK=$r WORLD_SIZE=2 OMP_NUM_THREADS=1 "$BIN" "${ARGS[@]}" --threads 1 \
    --batch-size $((BATCH / 2)) --rendezvous-file "$WORK/rdzv" --out "$WORK/c.safetensors" \
    2>"$WORK/two.$r.err" &
done
wait
echo "$((PER_CLASS * 7)) faces, global batch $BATCH, $(nproc) CPU cores; images/s of epoch 2:"
echo "  1 rank  x 1 thread : $(rate "$WORK/one1.err")"
echo "  1 rank  x 2 threads: $(rate "$WORK/one2.err")"
echo "  2 ranks x 1 thread : $(rate "$WORK/two.0.err")"
echo "  gradient exchange (rank 0, epoch 2): $(grep 'gradient exchange' "$WORK/two.0.err" | tail -1 |
  sed 's/.*exchange: //')"
