#!/usr/bin/env bash
# Here, before a GPU run: the device tool carries at most 64 MiB a call, tracked files included (about
# 48 MB with public/models), so the model and the .gpu/ kit (scripts/gpu/kit.sh) travel in parts.
# Writes .p1/ … .pN/ (git-ignored through .git/info/exclude), each one part of model + kit; the last also
# holds `manifest`. Carry one folder a call: `cp .pK/* /root/stash/`; after the last,
# `bash scripts/gpu/unpack-parts.sh` there rebuilds the model in /root/stash and .gpu/ in the checkout.
#   bash scripts/gpu/parts.sh [model.gguf] [part MB, default 15]
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
MODEL=${1:-${ROPE_LAB_CACHE:-$HOME/.cache/rope-lab}/models/SmolLM2-135M-Instruct.Q4_1.gguf}
PART_MB=${2:-15}
[ -f "$MODEL" ] || { echo "parts.sh: no model at $MODEL (node scripts/test-models.mjs fetches it)" >&2; exit 1; }
[ -d .gpu ] || { echo "parts.sh: no .gpu/ kit: run bash scripts/gpu/kit.sh first" >&2; exit 1; }
rm -rf .p[0-9]* && tmp=$(mktemp -d)
tar -cf "$tmp/kit.tar" .gpu
cat "$MODEL" "$tmp/kit.tar" | split -b "${PART_MB}000000" -d -a 2 - "$tmp/part."
n=0
for part in "$tmp"/part.*; do
  n=$((n + 1))
  mkdir -p ".p$n" && mv "$part" ".p$n/"
  grep -qx "/.p$n/" .git/info/exclude || echo "/.p$n/" >> .git/info/exclude
done
printf 'MODEL_NAME=%s\nMODEL_BYTES=%s\nMODEL_SHA256=%s\nPARTS=%s\n' "$(basename "$MODEL")" "$(stat -c %s "$MODEL")" \
  "$(sha256sum "$MODEL" | cut -d' ' -f1)" "$n" > ".p$n/manifest"
rm -rf "$tmp"
echo "parts.sh: $n parts of ≤ ${PART_MB} MB in .p1 … .p$n (carry one a call)"
