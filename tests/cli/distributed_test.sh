#!/usr/bin/env bash
# Issue 19: `train` as two data-parallel ranks on this machine (Gloo on the loopback device,
# meeting through a rendezvous file; then through torchrun's TCP store, in a network namespace
# whose one interface is loopback, since that store listens on every interface).
EMOMUSIC=$1
WORK=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$WORK"' EXIT
. "$(dirname "$0")/lib.sh"
export XDG_CACHE_HOME=$WORK/cache GLOO_SOCKET_IFNAME=lo OMP_NUM_THREADS=1
unset MASTER_ADDR MASTER_PORT LOCAL_RANK SLURM_PROCID SLURM_NTASKS SLURM_LOCALID

"$EMOMUSIC" --version >"$WORK/version"
expect_in "$WORK/version" "distributed training: c10d with Gloo"

fer_csv "$WORK/fer.csv" 8 Training PublicTest   # 56 training faces: 7 steps of 4 per rank
TRAIN=(train --data "$WORK/fer.csv" --channels 8,16 --hidden 16 --threads 1 --dist-timeout 20)

# rank R NAME ARGS...: starts rank R of 2 in the background, its stderr in $WORK/NAME.R.err.
rank() {
  local r=$1 name=$2; shift 2
  RANK=$r WORLD_SIZE=2 LOCAL_RANK=$r "$EMOMUSIC" "$@" --rendezvous-file "$WORK/$name.rdzv" \
    >"$WORK/$name.$r.out" 2>"$WORK/$name.$r.err" &
  PIDS+=($!)
}
# both NAME CODE: waits for the last two ranks started and checks that both exited CODE.
both() {
  local name=$1 want=$2 n=${#PIDS[@]} r code
  for r in 0 1; do
    wait "${PIDS[$((n - 2 + r))]}"; code=$?
    [ "$code" -eq "$want" ] || { cat "$WORK/$name.$r.err" >&2; fail "$name: rank $r exited $code, expected $want"; }
  done
}

# Two ranks train together: rank 0 logs the global batch and writes every file; both end with
# the same weights (train_model checks it across the ranks before it returns).
rank 0 run "${TRAIN[@]}" --out "$WORK/m.safetensors" --epochs 2 --batch-size 4
rank 1 run "${TRAIN[@]}" --out "$WORK/m.safetensors" --epochs 2 --batch-size 4
both run 0
expect_in "$WORK/run.0.err" "global batch 8 (2 ranks x 4 images per step)"
expect_in "$WORK/run.0.err" "all 2 ranks hold the same weights"
expect_in "$WORK/run.0.err" "epoch 2/2"
expect_not_in "$WORK/run.1.err" "epoch"   # the other ranks log only warnings and errors
for f in m.safetensors m.checkpoint.safetensors m.metrics.csv m.loss.png m.accuracy.png; do
  [ -s "$WORK/$f" ] || fail "the run did not write $f"
done
head -c 8192 "$WORK/m.safetensors" | grep -q '"ranks\\":2' || fail "the model does not record 2 ranks"

# --resume restores every rank from the checkpoint and continues the history.
rank 0 resume "${TRAIN[@]}" --out "$WORK/m.safetensors" --epochs 3 --batch-size 4 --resume
rank 1 resume "${TRAIN[@]}" --out "$WORK/m.safetensors" --epochs 3 --batch-size 4 --resume
both resume 0
expect_in "$WORK/resume.0.err" "at epoch 3"
expect_in "$WORK/resume.0.err" "all 2 ranks hold the same weights"
[ "$(wc -l <"$WORK/m.metrics.csv")" -eq 4 ] || fail "the resumed history is not 3 epochs"

# Ranks started with different options are refused at the start, on every rank (exit 2).
rank 0 differ "${TRAIN[@]}" --out "$WORK/d.safetensors" --epochs 2 --batch-size 4
rank 1 differ "${TRAIN[@]}" --out "$WORK/d.safetensors" --epochs 2 --batch-size 2
both differ 2
expect_in "$WORK/differ.1.err" "batch_size: rank 0 has 4, rank 1 has 2"
[ ! -e "$WORK/d.safetensors" ] || fail "a refused run wrote a model"

# A rank killed mid-epoch: the other stops with exit 6 and a message naming its rank and where
# the group met, well before the test's own limit (a hang would end there); no model is written
# (an epoch that long does not finish before the kill) and no temporary file is left.
fer_csv "$WORK/big.csv" 300 Training   # 2100 faces: 525 steps of 2 per rank in epoch 1
rank 0 kill train --data "$WORK/big.csv" --threads 1 --dist-timeout 20 \
  --out "$WORK/k.safetensors" --epochs 5 --batch-size 2
rank 1 kill train --data "$WORK/big.csv" --threads 1 --dist-timeout 20 \
  --out "$WORK/k.safetensors" --epochs 5 --batch-size 2
for _ in $(seq 600); do grep -q "global batch" "$WORK/kill.0.err" && break; sleep 0.1; done
sleep 1
kill -9 "${PIDS[-1]}"
wait "${PIDS[-1]}" 2>/dev/null   # reaped here, so that bash does not report the kill
wait "${PIDS[-2]}"; code=$?
[ "$code" -eq 6 ] || { cat "$WORK/kill.0.err" >&2; fail "the surviving rank exited $code, expected 6"; }
expect_in "$WORK/kill.0.err" "rank 0 of 2"
expect_in "$WORK/kill.0.err" "$WORK/kill.rdzv"
[ ! -e "$WORK/k.safetensors" ] || fail "a model was written although epoch 1 did not finish"
[ -z "$(find "$WORK" -name '*.tmp-*')" ] || fail "temporary files left behind"

# Ctrl-C on one rank stops both at the same step with exit 130 (the request travels with the
# gradient exchange), not with a lost-peer error on the other.
rank 0 int train --data "$WORK/big.csv" --threads 1 --dist-timeout 20 \
  --out "$WORK/i.safetensors" --epochs 5 --batch-size 2
rank 1 int train --data "$WORK/big.csv" --threads 1 --dist-timeout 20 \
  --out "$WORK/i.safetensors" --epochs 5 --batch-size 2
for _ in $(seq 600); do grep -q "global batch" "$WORK/int.0.err" && break; sleep 0.1; done
kill -INT "${PIDS[-1]}"
both int 130
expect_in "$WORK/int.0.err" "interrupted in epoch 1"

# eval --shard: two halves of the PublicTest rows (56), and a shard that does not exist.
expect_exit 0 "$EMOMUSIC" eval --model "$WORK/m.safetensors" --data "$WORK/fer.csv" --json \
  --tta none --shard 0/2
expect_in "$WORK/out" '"n": 28'
expect_in "$WORK/out" '"shard": "0/2"'
expect_exit 0 "$EMOMUSIC" eval --model "$WORK/m.safetensors" --data "$WORK/fer.csv" --json \
  --tta none --shard 1/2
expect_in "$WORK/out" '"n": 28'
expect_exit 2 "$EMOMUSIC" eval --model "$WORK/m.safetensors" --data "$WORK/fer.csv" --shard 2/2
expect_in "$WORK/err" "shard '2/2'"

# Without the launcher's variables, train is the single process it always was; a half-set
# environment is refused naming the variable.
expect_exit 2 env RANK=0 "$EMOMUSIC" "${TRAIN[@]}" --out "$WORK/e.safetensors" --epochs 1
expect_in "$WORK/err" "WORLD_SIZE is not set"
expect_exit 2 env RANK=1 WORLD_SIZE=2 "$EMOMUSIC" "${TRAIN[@]}" --out "$WORK/e.safetensors" --epochs 1
expect_in "$WORK/err" "MASTER_ADDR is not set"
# torchrun's rendezvous, the TCP store at MASTER_ADDR:MASTER_PORT. LibTorch 1.13's store listens
# on every interface, so these ranks run in a network namespace of their own, whose one interface
# is loopback; where namespaces are refused (no unshare, no user namespaces) this part is skipped.
if [ "$(id -u)" -eq 0 ]; then NETNS=(unshare --net); else NETNS=(unshare --net --map-root-user); fi
if command -v ip >/dev/null && "${NETNS[@]}" ip link set lo up 2>/dev/null; then
  # tcp_ranks NAME RANKS ARGS...: runs those ranks of 2 in one fresh namespace; each one's exit
  # code goes to $WORK/NAME.R.code and its stderr to $WORK/NAME.R.err.
  tcp_ranks() {
    W=$WORK NAME=$1 RANKS=$2 "${NETNS[@]}" bash -c '
      ip link set lo up || exit 97
      for r in $RANKS; do
        RANK=$r WORLD_SIZE=2 LOCAL_RANK=$r MASTER_ADDR=127.0.0.1 MASTER_PORT=29531 "$@" \
          >"$W/$NAME.$r.out" 2>"$W/$NAME.$r.err" &
        pids[$r]=$!
      done
      for r in $RANKS; do wait "${pids[$r]}"; echo $? >"$W/$NAME.$r.code"; done' _ "${@:3}"
  }
  tcp_ranks tcp "0 1" "$EMOMUSIC" "${TRAIN[@]}" --out "$WORK/t.safetensors" --epochs 1 --batch-size 4
  for r in 0 1; do
    [ "$(cat "$WORK/tcp.$r.code")" = 0 ] || { cat "$WORK/tcp.$r.err" >&2; fail "TCP store: rank $r exited $(cat "$WORK/tcp.$r.code")"; }
  done
  expect_in "$WORK/tcp.0.err" "global batch 8 (2 ranks x 4 images per step)"
  expect_in "$WORK/tcp.0.err" "all 2 ranks hold the same weights"
  [ -s "$WORK/t.safetensors" ] || fail "TCP store: the run wrote no model"
  # A rank whose rank 0 never comes stops within its timeout, naming itself and the address.
  start=$SECONDS
  tcp_ranks alone 1 "$EMOMUSIC" train --data "$WORK/fer.csv" --channels 8,16 --hidden 16 --threads 1 \
    --dist-timeout 3 --out "$WORK/a.safetensors" --epochs 1
  [ "$(cat "$WORK/alone.1.code")" = 6 ] || { cat "$WORK/alone.1.err" >&2; fail "a rank without its group exited $(cat "$WORK/alone.1.code"), expected 6"; }
  [ $((SECONDS - start)) -le 30 ] || fail "a rank without its group took $((SECONDS - start)) s to stop"
  expect_in "$WORK/alone.1.err" "rank 1 of 2 cannot join the group at 127.0.0.1:29531"
else
  echo "SKIP (the TCP store part): no network namespace here (unshare --net), and the store would listen on every interface"
fi
echo "distributed: ok"
