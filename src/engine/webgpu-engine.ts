// The Engine on WebGPU: loads a GGUF Llama model onto the GPU and runs generation and scoring. The
// same class serves the browser worker (behind comlink) and Node (CLI, tests); what differs is
// injected: how to get a GPU, the WGSL sources, and (Node only) how to open a file path.
import { blobSource, bytesSource, ggmlTypeName, readGGUF, urlSource, type ByteSource, type GGUFFile } from '../gguf/index.ts';
import type { RopeConfig } from '../rope/config.ts';
import { computeRope, ropeForLength } from '../rope/frequencies.ts';
import { createTokenizer, type Tokenizer } from '../tokenizer/index.ts';
import { defaultDecodeActivations, hasIntegerDot, maxBindingBytes, openDevice, type GpuContext } from './gpu/device.ts';
import { KernelCache } from './gpu/kernels.ts';
import { checkKernelShapes, createGpuModel, type GpuLayerWeights, type GpuModel } from './gpu/model.ts';
import { AttentionMapPass } from './gpu/probe-map.ts';
import { QkPairNormsPass } from './gpu/probe-qk-norms.ts';
import { AttentionStatsPass } from './gpu/probe-stats.ts';
import type { ShaderLibrary } from './gpu/shader-library.ts';
import { GPU_WEIGHT_TYPES, readVector, uploadF32, uploadMatrix, uploadStack, type GpuMatrix } from './gpu/weights.ts';
import {
  browserMemory,
  checkLoadBudget,
  weightFootprint,
  type LoadEstimate,
  type LoadPlan,
  type MachineMemory,
  type WeightFootprint,
} from './load-budget.ts';
import {
  GLOBAL_TENSORS,
  expectedShapes,
  gpuEngineRefusal,
  layerTensorNames,
  llamaConfigFromGGUF,
  type LlamaConfig,
} from './model-config.ts';
import type { AttentionStats, AttentionStatsOptions, ProbeHooks, QkPairNorms } from './probe-hooks.ts';
import type {
  Engine,
  GenerateOptions,
  GenerateResult,
  GeneratedToken,
  LoadOptions,
  LoadProgress,
  ModelInfo,
  ModelSource,
  ScoreOptions,
  ScoreResult,
} from './types.ts';

export interface EngineHost {
  gpu: () => Promise<GPU>;
  shaders: ShaderLibrary;
  /** Opens a file path (Node only). */
  openPath?: (path: string) => Promise<ByteSource>;
  /** The machine's memory for the load budget (Node: nodeMachineMemory); default navigator.deviceMemory where there is one. */
  memory?: () => MachineMemory | null;
}

const DEFAULT_MAX_CONTEXT = 4096;
const DEFAULT_BATCH = 32;
/** Decode steps recorded ahead of the last id read (each holds one of the model's SAMPLE_SLOTS read-backs). */
const DECODE_LOOKAHEAD = 2;
// 16 of matmul_tiled.wgsl's 64-token tiles (H100, 1B Q4_0: prefill +15–20% at 512 over 256; a 32K prompt
// 3,914 tok/s against 3,708 at 512)
const DEFAULT_GPU_BATCH = 1024;

/** The GPU batch: DEFAULT_GPU_BATCH, less (in 64-token tiles) where the batch's logits would not fit one binding. */
const gpuBatch = (device: GPUDevice, vocab: number) =>
  Math.max(64, Math.min(DEFAULT_GPU_BATCH, Math.floor(maxBindingBytes(device) / (vocab * 4) / 64) * 64));
/** matmul.wgsl threads per weight row on real GPUs (SwiftShader gets 1: barriers cost it microseconds). */
const DEFAULT_GPU_THREADS_PER_ROW = 64; // H100 sweep 4…64: decode 73, 92, 108, 110, 140 tokens/s (TinyLlama shape, Q4_0)

interface Loaded {
  config: LlamaConfig;
  tokenizer: Tokenizer;
  model: GpuModel;
  info: ModelInfo;
  buffers: GPUBuffer[];
  kernels: KernelCache;
  /** Pairs the current RoPE rotates (partial rotary leaves the rest): qkPairNorms reports it. */
  rotatedPairs: number;
  /** The RoPE in force (the model's own or an override) and, for a length-dependent one, the length its table was made for. */
  rope: { config: RopeConfig; length: number | null };
  /** The load's budget inputs: a longer context (a probe's) is checked against them before reloading. */
  budget: { weights: WeightFootprint; plan: LoadPlan };
  /** Made on a probe hook's first call (probe-only pipelines cost plain generation nothing). */
  probes: { stats?: Promise<AttentionStatsPass>; map?: Promise<AttentionMapPass>; qkNorms?: Promise<QkPairNormsPass> };
}

export class WebGpuEngine implements Engine, ProbeHooks {
  private gpuContext: GpuContext | null = null;
  private loaded: Loaded | null = null;
  private lostMessage: string | null = null;
  private cancelled = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: EngineHost) {}

  /** Runs calls one after another: a generate and a score must not interleave their GPU steps. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private ready(): Loaded {
    if (this.lostMessage) throw new Error(`the GPU device was lost (${this.lostMessage}); load the model again`);
    if (!this.loaded) throw new Error('no model is loaded');
    return this.loaded;
  }

  load(source: ModelSource, onProgress?: (p: LoadProgress) => void, options: LoadOptions = {}): Promise<ModelInfo> {
    return this.serial(() => this.loadNow(source, onProgress, options));
  }

  private async openSource(source: ModelSource): Promise<ByteSource> {
    switch (source.kind) {
      case 'file':
        return blobSource(source.file, source.name);
      case 'bytes':
        return bytesSource(source.bytes, source.name);
      case 'url':
        return urlSource(source.url);
      case 'path':
        if (!this.host.openPath) throw new Error('file paths can only be opened in Node');
        return this.host.openPath(source.path);
    }
  }

  private async loadNow(
    source: ModelSource,
    onProgress: ((p: LoadProgress) => void) | undefined,
    options: LoadOptions,
  ): Promise<ModelInfo> {
    const started = performance.now();
    this.unloadNow();
    onProgress?.({ phase: 'header', loadedBytes: 0, totalBytes: 0 });
    const bytes = await this.openSource(source);
    try {
      return await this.loadFile(await readGGUF(bytes), started, onProgress, options);
    } finally {
      await bytes.close?.(); // every tensor is on the GPU (or the load failed): the file is done with
    }
  }

  private async loadFile(
    file: GGUFFile,
    started: number,
    onProgress: ((p: LoadProgress) => void) | undefined,
    options: LoadOptions,
  ): Promise<ModelInfo> {
    // Metadata and shapes first, from the header alone: that also bounds rope_freqs before it is read.
    let config = llamaConfigFromGGUF(file);
    const refusal = gpuEngineRefusal(config);
    if (refusal) throw new Error(refusal);
    checkKernelShapes(config);
    const ropeFreqsTensor = file.tensorsByName.get(GLOBAL_TENSORS.ropeFreqs);
    if (ropeFreqsTensor) config = llamaConfigFromGGUF(file, await readVector(file, ropeFreqsTensor));
    const shapes = expectedShapes(config);
    for (const name of shapes.keys()) {
      const t = file.tensorsByName.get(name)!;
      if (t.dims.length > 1 && !GPU_WEIGHT_TYPES.has(t.type))
        throw new Error(`tensor ${name} has type ${ggmlTypeName(t.type)}, which the GPU engine cannot read`);
    }
    const tokenizer = createTokenizer(file.metadata);
    const context = options.context ?? Math.min(config.trainedContext, DEFAULT_MAX_CONTEXT);
    const tpr = options.threadsPerRow;
    if (tpr !== undefined && !(Number.isInteger(tpr) && tpr >= 1 && tpr <= 64 && (tpr & (tpr - 1)) === 0))
      throw new Error(`threadsPerRow must be a power of two from 1 to 64, got ${tpr}`);
    if (!Number.isInteger(context) || context < 2) throw new Error(`context must be an integer ≥ 2, got ${context}`);
    const kvCache = options.kvCache ?? 'f32';
    if (kvCache !== 'f32' && kvCache !== 'f16') throw new Error(`kvCache must be 'f32' or 'f16', got ${String(kvCache)}`);

    if (!this.gpuContext) {
      this.gpuContext = await openDevice(await this.host.gpu());
      const ctx = this.gpuContext;
      this.lostMessage = null;
      void ctx.lost.then((info) => {
        if (this.gpuContext !== ctx) return; // an old device we replaced or destroyed on purpose
        this.gpuContext = null;
        this.loaded = null;
        this.lostMessage = info.message || info.reason || 'unknown reason';
      });
    }
    const { device } = this.gpuContext;
    const activations = options.decodeActivations ?? defaultDecodeActivations(this.gpuContext);
    if (activations !== 'f32' && activations !== 'int8')
      throw new Error(`decodeActivations must be 'f32' or 'int8', got ${String(activations)}`);
    if (activations === 'int8' && !hasIntegerDot(this.gpuContext.gpu))
      throw new Error(
        "decodeActivations 'int8' needs WGSL's packed_4x8_integer_dot_product (dot4I8Packed), which this browser's WebGPU lacks",
      );
    // The whole load against the device's limits and the machine's memory, before any tensor is read.
    const software = this.gpuContext.software;
    const promptAttention = options.promptAttention ?? (software ? 'flash' : 'tiled');
    const budget = {
      weights: weightFootprint(file, config, device),
      plan: {
        context,
        kvCache,
        batch: options.batchSize ?? (software ? DEFAULT_BATCH : gpuBatch(device, config.vocabSize)),
        promptAttention,
      },
    };
    this.checkBudget(config, budget.weights, budget.plan);
    const { weights, buffers, totalBytes, tensorTypes } = await uploadWeights(device, file, config, onProgress);
    onProgress?.({ phase: 'pipelines', loadedBytes: totalBytes, totalBytes });
    let model: GpuModel;
    const kernels = new KernelCache(device, this.host.shaders);
    try {
      model = await createGpuModel(device, kernels, config, weights, {
        context,
        batch: budget.plan.batch,
        threadsPerRow: options.threadsPerRow ?? (this.gpuContext.software ? 1 : DEFAULT_GPU_THREADS_PER_ROW),
        normThreads: this.gpuContext.software ? 64 : 256,
        decodeKernels: options.decodeKernels ?? (this.gpuContext.software ? 'matmul' : 'fused'),
        decodeActivations: activations,
        promptMatmul: options.promptMatmul ?? (this.gpuContext.software ? 'simple' : 'tiled'),
        promptAttention,
        kvCache,
      });
    } catch (err) {
      for (const b of buffers) b.destroy();
      throw err;
    }
    const rope = computeRope(config.rope);
    model.setRope(rope);
    await device.queue.onSubmittedWorkDone();
    const info: ModelInfo = {
      architecture: config.architecture,
      name: config.name,
      trainedContext: config.trainedContext,
      context,
      dim: config.dim,
      headDim: config.headDim,
      heads: config.heads,
      kvHeads: config.kvHeads,
      layers: config.layers,
      ffnDim: config.ffnDim,
      vocabSize: config.vocabSize,
      rmsEps: config.rmsEps,
      rope: config.rope,
      hasRopeFreqs: config.hasRopeFreqs,
      layerAttention: config.layerAttention.map((a) => ({ ...a })),
      ...(config.localRope ? { localRope: config.localRope } : {}),
      tensorTypes,
      totalBytes,
      device: this.gpuContext.description,
      kvCache: model.kvCache,
      loadSeconds: (performance.now() - started) / 1000,
      chatTemplate: tokenizer.chatFormat,
    };
    this.loaded = {
      config,
      tokenizer,
      model,
      info,
      buffers,
      kernels,
      rotatedPairs: rope.invFreq.length,
      rope: { config: config.rope, length: null },
      budget,
      probes: {},
    };
    onProgress?.({ phase: 'ready', loadedBytes: totalBytes, totalBytes });
    return info;
  }

  private checkBudget(config: LlamaConfig, weights: WeightFootprint, plan: LoadPlan): LoadEstimate {
    const memory = this.host.memory ? this.host.memory() : browserMemory();
    return checkLoadBudget(config, weights, plan, { device: this.gpuContext!.device, memory });
  }

  /**
   * Throws the load's own refusal (needed vs allowed bytes) when the loaded model could not be reloaded
   * with a KV cache of `context` positions: a probe asks before it unloads anything.
   */
  checkContext(context: number): Promise<void> {
    return this.serial(async () => {
      const { config, budget } = this.ready();
      if (!Number.isInteger(context) || context < 2) throw new Error(`context must be an integer ≥ 2, got ${context}`);
      this.checkBudget(config, budget.weights, { ...budget.plan, context });
    });
  }

  async info(): Promise<ModelInfo | null> {
    return this.loaded?.info ?? null;
  }

  setRope(override: RopeConfig | null): Promise<void> {
    return this.serial(async () => {
      const loaded = this.ready();
      const { model, config } = loaded;
      if (override && override.headDim !== config.headDim)
        throw new Error(`RoPE override has headDim ${override.headDim}, the model's heads have ${config.headDim}`);
      const table = computeRope(override ?? config.rope);
      model.setRope(table);
      loaded.rotatedPairs = table.invFreq.length;
      loaded.rope = { config: override ?? config.rope, length: null };
    });
  }

  /** Before a pass over `length` positions: a length-dependent RoPE (dynamic NTK, LongRoPE) gets its table for that length. */
  private ropeFor(loaded: Loaded, length: number): void {
    const { config } = loaded.rope;
    const forLength = ropeForLength(config, length);
    if (forLength === config || loaded.rope.length === length) return;
    loaded.model.setRope(computeRope(forLength));
    loaded.rope.length = length;
  }

  cancel(): void {
    this.cancelled = true;
  }

  unload(): Promise<void> {
    return this.serial(async () => this.unloadNow());
  }

  private unloadNow(): void {
    if (!this.loaded) return;
    for (const pass of Object.values(this.loaded.probes))
      void pass.then(
        (p) => p.destroy(),
        () => undefined,
      );
    this.loaded.model.destroy();
    for (const b of this.loaded.buffers) b.destroy();
    this.loaded = null;
  }

  private encode(tokenizer: Tokenizer, input: string | number[], addBos: boolean | undefined, parseSpecial = false): number[] {
    const ids =
      typeof input === 'string' ? tokenizer.encode(input, { parseSpecial, ...(addBos === undefined ? {} : { addBos }) }) : [...input];
    if (ids.length === 0) {
      if (tokenizer.bos === null) throw new Error('empty prompt and the model has no BOS token to start from');
      ids.push(tokenizer.bos);
    }
    for (const id of ids)
      if (!Number.isInteger(id) || id < 0 || id >= tokenizer.vocabSize)
        throw new Error(`token id ${id} is outside the vocabulary (0…${tokenizer.vocabSize - 1})`);
    return ids;
  }

  generate(prompt: string | number[], options: GenerateOptions, onToken?: (t: GeneratedToken) => void): Promise<GenerateResult> {
    return this.serial(async () => {
      const { model, tokenizer } = this.ready();
      this.cancelled = false;
      const ids = this.encode(tokenizer, prompt, options.addBos, options.parseSpecial);
      if (ids.length >= model.context) throw new Error(`the prompt has ${ids.length} tokens; the context holds ${model.context}`);
      this.ropeFor(this.ready(), Math.min(ids.length + options.maxTokens, model.context));
      // after a prompt with text, the first generated token's leading space separates it from the prompt
      const decoder = tokenizer.streamingDecoder({ continuing: ids.length > (ids[0] === tokenizer.bos ? 1 : 0) });
      const tokens: number[] = [];
      let text = '';
      let stoppedBy: GenerateResult['stoppedBy'] = 'maxTokens';

      const promptStart = performance.now();
      for (let i = 0; i < ids.length; i += model.batch) {
        if (i > 0) await model.idle(); // a long prompt stays cancellable
        if (this.cancelled)
          return { tokens, text, promptTokens: ids.length, stoppedBy: 'cancelled', tokensPerSecond: 0, promptTokensPerSecond: 0 };
        const batch = ids.slice(i, i + model.batch);
        const last = i + batch.length === ids.length;
        model.forward(batch, i, last ? 'sample' : 'none', last ? { sampling: { options, counter: 0, recent: ids } } : {});
      }
      // Decode records steps DECODE_LOOKAHEAD ahead of the ids read back: step k+1 takes its input from
      // the GPU buffer step k's sampler wrote (forward's `chained`), so the GPU never waits for the CPU
      // (nor for a read-back that resolves late). A repetition penalty needs the previous id on the CPU,
      // so it goes step by step.
      const chained = (options.repeatPenalty ?? 1) === 1;
      let decodeStart = 0; // when token 0, the prompt's, has been read
      // the pass that chooses token k runs at position ids.length − 1 + k (the prompt's last pass chose token 0)
      const wanted = (k: number) => k < options.maxTokens && ids.length - 1 + k < model.context;
      // `input` undefined: the step reads the token the previous step sampled, on the GPU
      const record = (k: number, input?: number) =>
        model.forward([input ?? 0], ids.length - 1 + k, 'sample', {
          chained: input === undefined,
          sampling: { options, counter: k, recent: [...ids, ...tokens] },
        });
      let recorded = 1;
      try {
        while (tokens.length < options.maxTokens) {
          while (chained && recorded <= tokens.length + DECODE_LOOKAHEAD && wanted(recorded)) record(recorded++);
          const next = await model.readSampled();
          if (decodeStart === 0) decodeStart = performance.now();
          if (this.cancelled) {
            stoppedBy = 'cancelled';
            break;
          }
          if ((options.stopAtEos ?? true) && tokenizer.isEndOfGeneration(next)) {
            stoppedBy = 'eos';
            break;
          }
          tokens.push(next);
          const piece = decoder.push(next);
          text += piece;
          onToken?.({ id: next, text: piece, index: tokens.length - 1 });
          if (tokens.length === options.maxTokens) break;
          if (!wanted(tokens.length)) {
            stoppedBy = 'context';
            break;
          }
          if (!chained) record(recorded++, next);
        }
      } finally {
        await model.discardSampled(); // a chained step past the stop
      }
      text += decoder.flush();
      const decodeSeconds = (performance.now() - decodeStart) / 1000;
      return {
        tokens,
        text,
        promptTokens: ids.length,
        stoppedBy,
        tokensPerSecond: tokens.length > 1 ? (tokens.length - 1) / decodeSeconds : 0,
        promptTokensPerSecond: ids.length / ((decodeStart - promptStart) / 1000),
      };
    });
  }

  score(input: string | number[], options: ScoreOptions = {}): Promise<ScoreResult> {
    return this.serial(async () => {
      const { model, tokenizer } = this.ready();
      this.cancelled = false;
      const ids = this.encode(tokenizer, input, options.addBos);
      if (ids.length > model.context) throw new Error(`the input has ${ids.length} tokens; the context holds ${model.context}`);
      this.ropeFor(this.ready(), ids.length);
      const predicted = ids.length - 1;
      for (let i = 0; i < predicted; i += model.batch) {
        if (i > 0) await model.idle(); // lets a cancel() through between batches
        if (this.cancelled) throw new Error('scoring was cancelled');
        const end = Math.min(i + model.batch, predicted);
        model.forward(ids.slice(i, end), i, 'logprob', { targets: ids.slice(i + 1, end + 1), scoreOffset: i });
      }
      const logprobs = predicted > 0 ? Array.from(await model.readLogprobs(predicted)) : [];
      const first = options.firstScored ?? 0;
      let nll = 0;
      for (let i = first; i < predicted; i++) nll -= logprobs[i];
      return { ids, logprobs, nll, scored: Math.max(0, predicted - first) };
    });
  }

  // ProbeHooks (probe-hooks.ts): each runs `ids` from position 0 under the current RoPE with its probe
  // kernel added to the layer loop; the passes are made on first use and kept with the loaded model.

  attentionStats(ids: number[], options: AttentionStatsOptions = {}): Promise<AttentionStats> {
    return this.probe(ids, async (l, checked) => {
      const pass = await (l.probes.stats ??= AttentionStatsPass.create(this.gpuContext!.device, l.kernels, l.config, l.model));
      return pass.run(checked, options.queryBinEdges, () => this.cancelled);
    });
  }

  attentionMap(ids: number[], layer: number, head: number): Promise<Float32Array> {
    return this.probe(ids, async (l, checked) => {
      const pass = await (l.probes.map ??= AttentionMapPass.create(this.gpuContext!.device, l.kernels, l.config, l.model));
      return pass.run(checked, layer, head, () => this.cancelled);
    });
  }

  qkPairNorms(ids: number[]): Promise<QkPairNorms> {
    return this.probe(ids, async (l, checked) => {
      const pass = await (l.probes.qkNorms ??= QkPairNormsPass.create(this.gpuContext!.device, l.kernels, l.config, l.model));
      return pass.run(checked, l.rotatedPairs, () => this.cancelled);
    });
  }

  private probe<T>(ids: number[], task: (loaded: Loaded, checkedIds: number[]) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      const loaded = this.ready();
      this.cancelled = false;
      const checked = this.encode(loaded.tokenizer, ids, false);
      this.ropeFor(loaded, checked.length);
      return task(loaded, checked);
    });
  }

  /** Logits (vocab each) at every position of `ids` from position 0: for tests and analysis. */
  logits(ids: number[]): Promise<Float32Array[]> {
    return this.serial(async () => {
      const { model, config } = this.ready();
      const out: Float32Array[] = [];
      for (let i = 0; i < ids.length; i += model.batch) {
        const batch = ids.slice(i, i + model.batch);
        model.forward(batch, i, 'logits');
        const all = await model.readLogits(batch.length);
        for (let t = 0; t < batch.length; t++) out.push(all.slice(t * config.vocabSize, (t + 1) * config.vocabSize));
      }
      return out;
    });
  }

  /** One layer's K and V caches, (kv_heads, context, head_dim) as f32 values, after the last pass: for tests and analysis. */
  kvCache(layer: number): Promise<{ k: Float32Array; v: Float32Array }> {
    return this.serial(async () => this.ready().model.readKvCache(layer));
  }

  /**
   * The device and the loaded GpuModel, for the benchmark (bench/), which drives forward passes step by
   * step and times them per kernel; the Engine API deliberately exposes neither.
   */
  gpuInternals(): { gpu: GpuContext; model: GpuModel; config: LlamaConfig; info: ModelInfo } {
    const { model, config, info } = this.ready();
    return { gpu: this.gpuContext!, model, config, info };
  }

  /** The tokenizer of the loaded model (CLI: perplexity tokenizes once, then scores chunks). */
  tokenizer(): Tokenizer {
    return this.ready().tokenizer;
  }

  /** Releases the model and the GPU device. */
  async destroy(): Promise<void> {
    await this.unload();
    const ctx = this.gpuContext;
    this.gpuContext = null;
    ctx?.device.destroy();
  }
}

async function uploadWeights(device: GPUDevice, file: GGUFFile, c: LlamaConfig, onProgress?: (p: LoadProgress) => void) {
  const names = [...expectedShapes(c).keys()];
  const totalBytes = names.reduce((sum, n) => sum + file.tensorsByName.get(n)!.byteSize, 0);
  const tensorTypes: Record<string, number> = {};
  for (const t of file.tensors) tensorTypes[ggmlTypeName(t.type)] = (tensorTypes[ggmlTypeName(t.type)] ?? 0) + 1;
  const buffers: GPUBuffer[] = [];
  let loadedBytes = 0;
  const progress = (name: string) => {
    loadedBytes += file.tensorsByName.get(name)!.byteSize;
    onProgress?.({ phase: 'weights', loadedBytes, totalBytes, tensor: name });
  };
  const matrix = async (name: string): Promise<GpuMatrix> => {
    const m = await uploadMatrix(device, file, file.tensorsByName.get(name)!);
    buffers.push(m.buffer);
    progress(name);
    return m;
  };
  const stack = async (...names: string[]): Promise<GpuMatrix[]> => {
    const views = await uploadStack(
      device,
      file,
      names.map((n) => file.tensorsByName.get(n)!),
    );
    for (const b of new Set(views.map((v) => v.buffer))) buffers.push(b);
    names.forEach(progress);
    return views;
  };
  const vector = async (name: string): Promise<GPUBuffer> => {
    const b = uploadF32(device, await readVector(file, file.tensorsByName.get(name)!), name);
    buffers.push(b);
    progress(name);
    return b;
  };
  const embedding = await matrix(GLOBAL_TENSORS.embedding);
  const layers: GpuLayerWeights[] = [];
  for (let l = 0; l < c.layers; l++) {
    const n = layerTensorNames(l);
    const attnNorm = await vector(n.attnNorm);
    const [wq, wk, wv] = await stack(n.wq, n.wk, n.wv);
    const wo = await matrix(n.wo);
    const ffnNorm = await vector(n.ffnNorm);
    const [wGate, wUp] = await stack(n.wGate, n.wUp);
    // the family's extra vectors (ModelConfig qkvBias 'separate', qkNorm)
    const biases = c.qkvBias === 'separate';
    const bq = biases ? await vector(n.bq) : undefined;
    const bk = biases ? await vector(n.bk) : undefined;
    const bv = biases ? await vector(n.bv) : undefined;
    const qNorm = c.qkNorm ? await vector(n.qNorm) : undefined;
    const kNorm = c.qkNorm ? await vector(n.kNorm) : undefined;
    layers.push({ attnNorm, wq, wk, wv, bq, bk, bv, qNorm, kNorm, wo, ffnNorm, wGate, wUp, wDown: await matrix(n.wDown) });
  }
  const outputNorm = await vector(GLOBAL_TENSORS.outputNorm);
  const output = c.tiedOutput ? embedding : await matrix(GLOBAL_TENSORS.output);
  return { weights: { embedding, layers, outputNorm, output }, buffers, totalBytes, tensorTypes };
}
