// What the attention probes cost next to a plain forward pass over the same tokens (the budget is about
// 1.5×): median wall time of 3 runs of score(ids), attentionStats(ids) and qkPairNorms(ids) for a
// stories260K-shaped and a TinyLlama-1.1B-shaped model (random weights: the cost does not depend on them)
// at 2048 and 8192 tokens. Bundled with the benchmark for the lent GPU machine (build.mjs); prints JSON.
//   node probe-cost.mjs [--small]      (--small: the stories260K shape only, for SwiftShader)
import { GGMLType, ggmlTypeName } from '../src/gguf/index.ts';
import { nodeGpu } from '../src/engine/gpu/node-gpu.ts';
import { viteShaders } from '../src/engine/gpu/shaders-vite.ts';
import { WebGpuEngine } from '../src/engine/webgpu-engine.ts';
import { STORIES_SHAPE, syntheticLlama, TINYLLAMA_SHAPE, type SyntheticShape } from './synthetic-model.ts';

const RUNS = 3;

async function medianSeconds(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await run();
    times.push((performance.now() - t) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

async function measure(engine: WebGpuEngine, label: string, shape: SyntheticShape, type: GGMLType, tokens: number) {
  await engine.load({ kind: 'bytes', bytes: syntheticLlama({ ...shape, context: tokens }, type), name: label }, undefined, {
    context: tokens,
  });
  const ids = Array.from({ length: tokens }, (_, i) => 3 + ((i * 7919) % (shape.vocab - 3)));
  const warm = ids.slice(0, 64);
  await engine.score(warm);
  await engine.attentionStats(warm);
  await engine.qkPairNorms(warm);
  const plain = await medianSeconds(() => engine.score(ids));
  const stats = await medianSeconds(() => engine.attentionStats(ids));
  const norms = await medianSeconds(() => engine.qkPairNorms(ids));
  await engine.unload();
  return {
    model: label,
    type: ggmlTypeName(type),
    tokens,
    plainScoreSeconds: plain,
    attentionStatsSeconds: stats,
    qkPairNormsSeconds: norms,
    attentionStatsRatio: stats / plain,
    qkPairNormsRatio: norms / plain,
  };
}

const engine = new WebGpuEngine({ gpu: () => nodeGpu(), shaders: viteShaders });
const results = [];
for (const tokens of [2048, 8192]) results.push(await measure(engine, 'stories260K-shape', STORIES_SHAPE, GGMLType.F32, tokens));
if (!process.argv.includes('--small'))
  for (const tokens of [2048, 8192]) results.push(await measure(engine, 'tinyllama-1.1B-shape', TINYLLAMA_SHAPE, GGMLType.Q4_0, tokens));
const device = (await engine.load({ kind: 'bytes', bytes: syntheticLlama(STORIES_SHAPE, GGMLType.F32), name: 'device probe' })).device;
await engine.destroy();
process.stdout.write(JSON.stringify({ device, runs: RUNS, results }, null, 1) + '\n');
