#!/usr/bin/env bash
# Packs .gpu/ (git-ignored) for the lent GPU machine: Node and the Vulkan loaders (../shared/gpu/prepare.sh),
# the bundles bench.mjs / probe-cost.mjs / lab.mjs (bench/build.mjs), webgpu with its dawn.node
# compressed, and the built-in texts (the @stdlib data packages' .txt files) for `lab probe --text`.
# Then run there with carry [".gpu"]: `bash scripts/gpu/setup.sh && cd .gpu && ./node lab.mjs …`.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
bash ../shared/gpu/prepare.sh >/dev/null
node bench/build.mjs .gpu
# the machine has no git: the benchmark reads the commit it measures from here (BENCH_COMMIT)
echo "$(git rev-parse HEAD)$(git diff --quiet HEAD -- src shaders bench || echo -dirty)" > .gpu/commit.txt
mkdir -p .gpu/node_modules/webgpu
cp node_modules/webgpu/index.js node_modules/webgpu/package.json .gpu/node_modules/webgpu/
rm -rf .gpu/node_modules/webgpu/dist
[ -f .gpu/dawn.node.xz ] || xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > .gpu/dawn.node.xz
if [ ! -f .gpu/stdlib-texts.tar.xz ]; then
  tmp=$(mktemp -d)
  for pkg in datasets-sotu datasets-moby-dick; do
    mkdir -p "$tmp/@stdlib/$pkg/data"
    cp "node_modules/@stdlib/$pkg/package.json" "$tmp/@stdlib/$pkg/"
    cp node_modules/@stdlib/$pkg/data/*.txt "$tmp/@stdlib/$pkg/data/"
  done
  tar -C "$tmp" -cJf .gpu/stdlib-texts.tar.xz @stdlib && rm -rf "$tmp"
fi
du -sh .gpu
