// Engine speed on the machine it runs on: load time, prompt processing and decode tokens/s for
// stories260K-sized and TinyLlama-1.1B-shaped models (random weights, built in memory). Bundled into
// one file for the lent GPU machine (see ../../../shared/gpu/README.md); prints one JSON document.
import { GGMLType, ggmlTypeName } from '../../gguf/index.ts';
import { nodeGpu } from '../gpu/node-gpu.ts';
import { viteShaders } from '../gpu/shaders-vite.ts';
import { WebGpuEngine } from '../webgpu-engine.ts';
import { STORIES_SHAPE, syntheticLlama, TINYLLAMA_SHAPE, type SyntheticShape } from './synthetic-model.ts';

async function measure(engine: WebGpuEngine, label: string, shape: SyntheticShape, type: GGMLType, context: number, threadsPerRow?: number) {
  const built = performance.now();
  const bytes = syntheticLlama(shape, type);
  const buildSeconds = (performance.now() - built) / 1000;
  const info = await engine.load({ kind: 'bytes', bytes, name: label }, undefined, { context, threadsPerRow });
  const ids = (n: number) => Array.from({ length: n }, (_, i) => 3 + ((i * 7919) % (shape.vocab - 3)));
  await engine.generate(ids(8), { maxTokens: 4, stopAtEos: false }); // warm-up: first dispatches compile
  const prefill = await engine.generate(ids(512), { maxTokens: 1, stopAtEos: false });
  const decode = await engine.generate(ids(16), { maxTokens: 128, stopAtEos: false });
  const decodeLong = await engine.generate(ids(1536), { maxTokens: 64, stopAtEos: false });
  const sampled = await engine.generate(ids(16), { maxTokens: 128, stopAtEos: false, temperature: 0.8, topK: 40, topP: 0.9, minP: 0.05, repeatPenalty: 1.1, seed: 1 });
  // Where decode time goes: a forward pass with no read-back, queued back to back, vs one submit+map round trip.
  const internals = engine as unknown as { loaded: { model: import('../gpu/model.ts').GpuModel }; gpuContext: { device: GPUDevice } };
  const { model } = internals.loaded;
  const { device } = internals.gpuContext;
  const passes = 64;
  let t = performance.now();
  for (let i = 0; i < passes; i++) model.forward([5], 100 + i, 'none');
  await device.queue.onSubmittedWorkDone();
  const forwardOnlyMs = (performance.now() - t) / passes;
  t = performance.now();
  for (let i = 0; i < passes; i++) await model.readSampled();
  const readbackMs = (performance.now() - t) / passes;
  return {
    forwardOnlyMs, readbackMs,
    model: label, type: ggmlTypeName(type), threadsPerRow, fileMiB: bytes.byteLength / 2 ** 20, buildSeconds, loadSeconds: info.loadSeconds,
    prefillTokensPerSecond512: prefill.promptTokensPerSecond,
    decodeTokensPerSecond: decode.tokensPerSecond,
    decodeTokensPerSecondAt1536: decodeLong.tokensPerSecond,
    sampledDecodeTokensPerSecond: sampled.tokensPerSecond,
    device: info.device,
  };
}

const engine = new WebGpuEngine({ gpu: () => nodeGpu(), shaders: viteShaders });
const results = [];
const sweep = process.argv.includes('--sweep');
if (sweep) {
  // matmul threads per row: the one tuning knob of the decode kernels
  for (const tpr of [4, 8, 16, 32, 64]) results.push(await measure(engine, 'tinyllama-1.1B-shape', TINYLLAMA_SHAPE, GGMLType.Q4_0, 2048, tpr));
} else {
  results.push(await measure(engine, 'stories260K-shape', STORIES_SHAPE, GGMLType.F32, 2048));
  if (!process.argv.includes('--small'))
    for (const type of [GGMLType.Q4_0, GGMLType.Q8_0, GGMLType.Q4_K, GGMLType.F16])
      results.push(await measure(engine, 'tinyllama-1.1B-shape', TINYLLAMA_SHAPE, type, 2048));
}
await engine.destroy();
process.stdout.write(JSON.stringify({ results }, null, 1) + '\n');
