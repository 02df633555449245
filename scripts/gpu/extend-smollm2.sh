#!/usr/bin/env bash
# On the GPU machine: the extend-smollm2 preset (32K unless [ctx] says otherwise) on SmolLM2-135M-Instruct Q4_1, resumable across
# calls (the machine allows 10 minutes a command). Needs .gpu/ from scripts/gpu/kit.sh and the model at
# $MODEL (default /root/stash/SmolLM2-135M-Instruct.Q4_1.gguf): scripts/gpu/parts.sh carries both. Writes $OUT/extend-smollm2.json.
#   bash scripts/gpu/extend-smollm2.sh [ctx]
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/gpu/setup.sh
MODEL=${MODEL:-/root/stash/SmolLM2-135M-Instruct.Q4_1.gguf}
RECORD=/root/stash/extend-smollm2.json
cd .gpu
LAB_GPU_NAME=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1) LAB_COMMIT=$(sed -E "s/^([0-9a-f]{12})[0-9a-f]*/\1/" commit.txt) timeout "${BUDGET_S:-560}" ./node lab.mjs probe --preset extend-smollm2 --model "$MODEL" --ctx "${1:-32768}" --out "$RECORD" 2>&1 | tr '\r' '\n' | grep -v '^\[' 
status=${PIPESTATUS[0]}
cp "$RECORD" "$OUT/" 2>/dev/null
echo "exit $status"
