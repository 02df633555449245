#!/usr/bin/env bash
# The whole family in one call on the lent GPU machine (carry [".gpu", "training/work/data"]; .gpu from
# scripts/gpu/kit.sh): stage 1, the three stage-2 variants, export + `lab convert` to Q8_0, then the
# evaluation of MODELS.md with the lab CLI on the held-out text. Everything lands in $OUT: the four GGUFs
# and results.tar.xz (training logs, export settings, evaluation JSON), at most 8 files as the tool returns.
#   bash training/gpu-run.sh [--eval-only]      (--eval-only: the GGUFs already in training/work/gguf)
set -uo pipefail
. scripts/gpu/setup.sh
export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
LAB=".gpu/node .gpu/lab.mjs"
RUNS=training/work/runs
GGUF=training/work/gguf
RESULTS=training/work/results
mkdir -p "$GGUF" "$RESULTS"
pack() { tar -C training/work -cJf "$OUT/results.tar.xz" results $(cd training/work && ls -d runs/*/log.jsonl runs/*/*.json 2>/dev/null); }
trap pack EXIT

if [ "${1:-}" != "--eval-only" ]; then
  python3 training/train.py --stage 1 --tokens $((1 << 25)) --compile || exit 1
  for v in rope pi abf; do
    python3 training/train.py --stage 2 --variant $v --tokens $((1 << 23)) --compile || exit 1
  done
  for run in stage1 stage2-rope stage2-pi stage2-abf; do
    python3 training/export.py "$RUNS/$run" --lab "$LAB" --convert || exit 1
    name=${run#stage2-}
    cp "$RUNS/$run/$run-Q8_0.gguf" "$GGUF/$name.gguf" && cp "$GGUF/$name.gguf" "$OUT/$name.gguf"
  done
fi

MODELS="$GGUF/stage1.gguf,$GGUF/rope.gguf,$GGUF/pi.gguf,$GGUF/abf.gguf"
probe() { local out=$1; shift; echo "== lab probe $*"; timeout 150 $LAB probe "$@" --models "$MODELS" --json > "$RESULTS/$out.json"; echo "rc $? $(date +%T)"; }
# perplexity: 65,536 held-out tokens at every context (llama.cpp's chunked method: the second half of each chunk scored)
for ctx in 256 512 1024 2048 4096 8192; do
  probe "ppl-$ctx" perplexity --text heldout --method chunked --contexts $ctx --max-windows $((65536 / ctx))
done
probe loss-by-position loss-by-position --text heldout --ctx 8192
probe attention attention-distance --text sotu-1929-herbert-hoover --ctx 8192
probe first-sentence first-sentence --text heldout --lengths 256,512,1024,2048,4096,8192 --trials 2 --seed 1
probe passkey passkey --lengths 256,512,1024,2048,4096,8192 --depths 0,0.25,0.5,0.75,1 --trials 2 --seed 1
