// The measurements of one (shape, weight type): load, prefill and time to first token, decode speed and
// CPU time per step, per-kernel GPU time, peak GPU memory. Prefill goes through the engine's own
// generate(); decode drives the loaded GpuModel step by step like generate does (one command buffer per
// token, only the sampled id read back) so the CPU side of a step can be timed apart from the wait.
import { formatBytes } from '../src/engine/gpu/device.ts';
import type { KvCacheType, LoadOptions } from '../src/engine/types.ts';
import type { WebGpuEngine } from '../src/engine/webgpu-engine.ts';
import { ggmlTypeName, type GGMLType } from '../src/gguf/index.ts';
import { decodeBytesPerToken, matrixCosts, type MatrixCost, type ModelDims } from './costs.ts';
import type { LoadedEngine, MemoryCounter } from './gpu.ts';
import { canProfile, profileForward, rateAgainst, timeWholePasses, type ForwardProfile } from './profile.ts';
import { planTensors, type BenchShape } from './shapes.ts';
import { registerSynthetic } from './synthetic-registry.ts';

export interface MeasureOptions {
  decodeContexts: number[];
  prefillContexts: number[];
  decodeSteps: number;
  /** Longer prompts are timed on evenly spaced windows of batches, not whole (see prefillSampled). */
  fullPrefillUpTo: number;
  kvCache?: KvCacheType;
  /** KV cache type for prompts longer than the main load's context (32K is stored as f16). */
  longKvCache: KvCacheType;
  batchSize?: number;
  threadsPerRow?: number;
  promptAttention?: LoadOptions['promptAttention'];
  promptMatmul?: LoadOptions['promptMatmul'];
  decodeKernels?: LoadOptions['decodeKernels'];
  decodeActivations?: LoadOptions['decodeActivations'];
  /** Combinations estimated to need more GPU memory than this are skipped. */
  memoryBytes: number;
  /** The copy kernel's bandwidth, for the roofline. */
  copyGbPerSecond: number;
  /** What kernels' GFLOP/s are set against (null: unknown). */
  fp32PeakTflops: number | null;
}

export interface PrefillResult {
  tokens: number;
  method: 'full' | 'sampled';
  /** For 'sampled': how the estimate was made. */
  sampling?: string;
  kvCache: KvCacheType;
  tokensPerSecond?: number;
  /** Prompt submitted → first generated token id on the CPU. */
  timeToFirstTokenMs?: number;
  /** 'full': every repetition's time, in the order run (the median is the figure above). */
  repetitionsMs?: number[];
  peakGpuBytes?: number;
  error?: string;
}

export interface DecodeResult {
  context: number;
  steps: number;
  kvCache: KvCacheType;
  tokensPerSecond: number;
  msPerToken: number;
  /** JS time per step spent writing uniforms, encoding and submitting (the rest is waiting for the GPU). */
  cpuMsPerStep: number;
  /** Weights + KV cache bytes one step reads. */
  bytesPerToken: number;
  /** Copy bandwidth ÷ bytesPerToken: the speed if every step streamed its bytes at copy speed. */
  rooflineTokensPerSecond: number;
  fractionOfRoofline: number;
}

export interface ModelRun {
  shape: string;
  type: string;
  /** Set on a run of a named baseline kernel choice (see run.ts's BASELINES) instead of the engine's defaults. */
  baseline?: string;
  status: 'measured' | 'skipped' | 'failed';
  reason?: string;
  fileBytes: number;
  gpuWeightBytes: number;
  estimatedGpuBytes: number;
  loadSeconds?: number;
  device?: string;
  prefill: PrefillResult[];
  decode: DecodeResult[];
  /** Per-kernel GPU time: a decode step at the longest decode context, and one prompt batch. */
  profiles?: { decode?: ForwardProfile; prefill?: ForwardProfile; skipped?: string };
  peakGpuBytes?: number;
}

const promptIds = (n: number, vocab: number) => Array.from({ length: n }, (_, i) => 3 + ((i * 7919) % (vocab - 3)));

/** Rough GPU bytes of a load: weights, KV cache, and the activations of a batch (logits dominate). */
function estimateGpuBytes(weights: number, shape: BenchShape, context: number, kvBytes: number, batch: number): number {
  const kv = shape.layers * context * (shape.dim / shape.heads) * shape.kvHeads * 2 * kvBytes;
  const activations = batch * (shape.vocab + 6 * shape.dim + 2 * shape.ffnDim) * 4;
  return weights + kv + activations;
}

export async function measureModel(
  engine: WebGpuEngine,
  memory: MemoryCounter,
  shape: BenchShape,
  type: GGMLType,
  o: MeasureOptions,
  log: (line: string) => void,
): Promise<ModelRun> {
  const tensors = planTensors(shape, type);
  const matrices = matrixCosts(tensors);
  const path = registerSynthetic(shape, type);
  const gpuWeightBytes = [...matrices.values()].reduce((s, m) => s + m.gpuBytes, 0);
  const mainContext = Math.max(
    ...o.decodeContexts.map((c) => c + o.decodeSteps + 1),
    ...o.prefillContexts.filter((c) => c <= o.fullPrefillUpTo).map((c) => c + 1),
  );
  const batch = o.batchSize ?? 512; // the engine's GPU default (SwiftShader runs use 32, a smaller estimate)
  const kvBytes = (t: KvCacheType | undefined) => (t === 'f16' ? 2 : 4);
  const run: ModelRun = {
    shape: shape.name,
    type: ggmlTypeName(type).toLowerCase(),
    status: 'measured',
    fileBytes: path.size,
    gpuWeightBytes,
    estimatedGpuBytes: estimateGpuBytes(gpuWeightBytes, shape, mainContext, kvBytes(o.kvCache), batch),
    prefill: [],
    decode: [],
  };
  if (run.estimatedGpuBytes > o.memoryBytes) {
    return {
      ...run,
      status: 'skipped',
      reason: `needs about ${formatBytes(run.estimatedGpuBytes)} of GPU memory, more than the ${formatBytes(o.memoryBytes)} allowed (--memory-gib)`,
    };
  }
  const load = (context: number, kvCache: KvCacheType | undefined) => {
    memory.resetPeak();
    const options: LoadOptions = {
      context,
      batchSize: o.batchSize,
      threadsPerRow: o.threadsPerRow,
      promptAttention: o.promptAttention,
      promptMatmul: o.promptMatmul,
      decodeKernels: o.decodeKernels,
      decodeActivations: o.decodeActivations,
      kvCache,
    };
    return engine.load({ kind: 'path', path: path.name }, undefined, options);
  };
  try {
    log(`${shape.name} ${run.type}: loading (${formatBytes(path.size)} file, context ${mainContext})`);
    const info = await load(mainContext, o.kvCache);
    run.loadSeconds = info.loadSeconds;
    run.device = info.device;
    const loaded = engine.gpuInternals();
    const mainKv = info.kvCache.dtype;
    const dims: ModelDims = { ...loaded.config, vocab: shape.vocab, kvBytes: kvBytes(mainKv) };
    // First dispatches (driver warm-up), then the GPU kept busy for a while: an idle GPU runs at a fraction
    // of its clock and takes time to raise it (an H100's SMs idle at 345 MHz).
    await engine.generate(promptIds(16, shape.vocab), { maxTokens: 4, stopAtEos: false });
    if (!loaded.gpu.software)
      for (const start = performance.now(); performance.now() - start < WARM_UP_MS;)
        await engine.generate(promptIds(16, shape.vocab), { maxTokens: 32, stopAtEos: false });

    const shortPrefills = o.prefillContexts.filter((c) => c < mainContext);
    for (const c of [...new Set([...shortPrefills, ...o.decodeContexts])].sort((a, b) => a - b)) {
      const first = await prefillFull(engine, c, shape.vocab);
      if (shortPrefills.includes(c)) run.prefill.push({ tokens: c, method: 'full', kvCache: mainKv, ...first.result });
      log(`${shape.name} ${run.type}: prefill ${c}: ${first.result.tokensPerSecond?.toFixed(1)} tokens/s`);
      if (o.decodeContexts.includes(c)) {
        const d = await decode(loaded, c, o.decodeSteps, first.token);
        const bytesPerToken = decodeBytesPerToken(matrices, dims, shape.layers, c, shape.tiedOutput);
        const roofline = (o.copyGbPerSecond * 1e9) / bytesPerToken;
        run.decode.push({
          context: c,
          steps: o.decodeSteps,
          kvCache: mainKv,
          ...d,
          bytesPerToken,
          rooflineTokensPerSecond: roofline,
          fractionOfRoofline: d.tokensPerSecond / roofline,
        });
        log(`${shape.name} ${run.type}: decode at ${c}: ${d.tokensPerSecond.toFixed(1)} tokens/s (roofline ${roofline.toFixed(1)})`);
      }
    }
    run.profiles = await profiles(
      loaded,
      Math.max(...o.decodeContexts),
      Math.min(loaded.model.batch, mainContext - 1),
      dims,
      matrices,
      shape.vocab,
    );
    for (const p of [run.profiles?.decode, run.profiles?.prefill]) if (p) rateAgainst(p, o.copyGbPerSecond, o.fp32PeakTflops);
    run.peakGpuBytes = memory.peak;
    await engine.unload();

    for (const c of o.prefillContexts.filter((n) => n >= mainContext))
      run.prefill.push(await prefillLong(engine, load, c, o, shape.vocab, memory, log, shape.name));
  } catch (err) {
    await engine.unload().catch(() => undefined);
    return { ...run, status: 'failed', reason: (err as Error).message };
  }
  return run;
}

/** How long each model keeps the GPU busy before it is measured. */
const WARM_UP_MS = 1500;

/** Repetitions of a full prefill up to this length (the median is reported; the first also brings the GPU's clocks up). */
const PREFILL_REPEATS_UP_TO = 8192;
/** How many: on an H100 single 512-token prefills of one process came out near 39 or near 48 ms, so an odd handful. */
const PREFILL_REPEATS = 7;

async function prefillFull(engine: WebGpuEngine, tokens: number, vocab: number) {
  const runs: { token: number; ms: number }[] = [];
  for (let rep = 0; rep < (tokens <= PREFILL_REPEATS_UP_TO ? PREFILL_REPEATS : 1); rep++) {
    const t = performance.now();
    const r = await engine.generate(promptIds(tokens, vocab), { maxTokens: 1, stopAtEos: false });
    runs.push({ token: r.tokens[0], ms: performance.now() - t });
  }
  const repetitionsMs = runs.map((r) => r.ms);
  const { token, ms } = runs.sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
  return { token, result: { tokensPerSecond: (tokens * 1000) / ms, timeToFirstTokenMs: ms, repetitionsMs } };
}

/** A prompt longer than the main load's context: its own load (KV cache `longKvCache`), then full or sampled. */
async function prefillLong(
  engine: WebGpuEngine,
  load: (context: number, kv: KvCacheType) => Promise<unknown>,
  tokens: number,
  o: MeasureOptions,
  vocab: number,
  memory: MemoryCounter,
  log: (line: string) => void,
  shapeName: string,
): Promise<PrefillResult> {
  const base: PrefillResult = { tokens, method: tokens <= o.fullPrefillUpTo ? 'full' : 'sampled', kvCache: o.longKvCache };
  try {
    await load(tokens + 1, o.longKvCache);
    const loaded = engine.gpuInternals();
    const result =
      base.method === 'full' ? (await prefillFull(engine, tokens, vocab)).result : await prefillSampled(loaded, tokens, vocab, base);
    log(`${shapeName}: prefill ${tokens} (${base.method}): ${result.tokensPerSecond?.toFixed(1)} tokens/s`);
    return { ...base, ...result, peakGpuBytes: memory.peak };
  } catch (err) {
    return { ...base, error: (err as Error).message };
  } finally {
    await engine.unload().catch(() => undefined);
  }
}

const SAMPLE_WINDOWS = 8;
const BATCHES_PER_WINDOW = 4;

/**
 * A long prompt's prefill time, estimated from windows of consecutive batches at evenly spaced positions:
 * a batch's cost depends only on its position (attention reads the keys before it, whatever they hold),
 * and grows linearly with it, so the midpoint rule over the windows gives the whole prompt's time.
 * Each batch is submitted and waited for as generate() does.
 */
async function prefillSampled({ model }: LoadedEngine, tokens: number, vocab: number, out: PrefillResult) {
  const batches = Math.ceil(tokens / model.batch);
  const windows = Math.min(SAMPLE_WINDOWS, Math.floor(batches / BATCHES_PER_WINDOW));
  const ids = promptIds(model.batch, vocab);
  let seconds = 0;
  for (let w = 0; w < windows; w++) {
    const start = Math.round(((w + 0.5) * batches) / windows - BATCHES_PER_WINDOW / 2);
    const t = performance.now();
    for (let b = start; b < start + BATCHES_PER_WINDOW; b++) {
      const pos = b * model.batch;
      model.forward(ids.slice(0, Math.min(model.batch, tokens - pos)), pos, b === batches - 1 ? 'sample' : 'none');
      await model.idle();
    }
    seconds += ((performance.now() - t) / 1000 / BATCHES_PER_WINDOW) * (batches / windows);
  }
  out.sampling = `${windows} windows of ${BATCHES_PER_WINDOW} batches of ${model.batch} tokens, midpoint rule over ${batches} batches`;
  return { tokensPerSecond: tokens / seconds, timeToFirstTokenMs: seconds * 1000 };
}

/** Decode steps recorded ahead of the read-back, as generate() does. */
const DECODE_LOOKAHEAD = 2;

/**
 * `steps` greedy decode steps from position `pos0`, one command buffer and one 4-byte read-back each,
 * recorded DECODE_LOOKAHEAD steps ahead of the read-back as generate() does (GpuModel.forward's
 * `chained`); the median of three such runs over the same positions.
 */
async function decode(loaded: LoadedEngine, pos0: number, steps: number, firstToken: number) {
  const runs = [];
  for (let rep = 0; rep < 3; rep++) runs.push(await decodeOnce(loaded, pos0, steps, firstToken));
  return runs.sort((a, b) => a.msPerToken - b.msPerToken)[1];
}

async function decodeOnce({ model }: LoadedEngine, pos0: number, steps: number, firstToken: number) {
  let cpuMs = 0;
  const started = performance.now();
  let read = 0;
  for (let s = 0; s < steps; s++) {
    const t = performance.now();
    model.forward([s === 0 ? firstToken : 0], pos0 + s, 'sample', { chained: s > 0 });
    cpuMs += performance.now() - t;
    if (s >= DECODE_LOOKAHEAD) {
      await model.readSampled();
      read++;
    }
  }
  for (; read < steps; read++) await model.readSampled();
  const ms = performance.now() - started;
  return { tokensPerSecond: (steps * 1000) / ms, msPerToken: ms / steps, cpuMsPerStep: cpuMs / steps };
}

async function profiles(
  loaded: LoadedEngine,
  decodeAt: number,
  batch: number,
  dims: ModelDims,
  matrices: Map<string, MatrixCost>,
  vocab: number,
): Promise<ModelRun['profiles']> {
  const device = loaded.gpu.device;
  if (!canProfile(device)) return { skipped: 'the device has no timestamp-query feature' };
  const ids = promptIds(batch, vocab);
  // A warm-up pass in timed mode (one pass per dispatch is a different command stream), then the measured ones.
  await profileForward(device, loaded.model, [5], decodeAt, 'sample', dims, matrices);
  const decode = await profileForward(device, loaded.model, [5], decodeAt, 'sample', dims, matrices);
  decode.wholePassGpuMs = await timeWholePasses(device, loaded.model, [5], decodeAt, 'sample');
  const prefill = await profileForward(device, loaded.model, ids, 0, 'none', dims, matrices);
  prefill.wholePassGpuMs = await timeWholePasses(device, loaded.model, ids, 0, 'none');
  return { decode, prefill };
}
