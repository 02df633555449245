// The forward pass on the GPU: activation buffers, KV cache, pipelines and bind groups are all made
// once in `createGpuModel`; a step only writes the small Step uniforms (and the token ids), records one
// command buffer of dispatches and submits it. See ARCHITECTURE.md for the data flow.
import { GGUFError, f16ToF32 } from '../../gguf/index.ts';
import type { RopeTable } from '../../rope/config.ts';
import type { LlamaConfig } from '../model-config.ts';
import type { KvCacheInfo, KvCacheType, SamplingOptions } from '../types.ts';
import { checkBindingSize, formatBytes, maxBindingBytes, storageBuffer, uniformBuffer, type HasBufferLimits } from './device.ts';
import {
  bindGroup,
  encodePass,
  grid2d,
  groupsOf64,
  type Dispatch,
  type DispatchTimer,
  type KernelCache,
  type PassTimer,
} from './kernels.ts';
import type { GpuModelOptions } from './model-options.ts';
import { readBuffer } from './readback.ts';
import { NONE, projections, splitScratchFloats } from './projections.ts';
import { packStep, STEP_BYTES } from './shader-library.ts';
import { ROW_ALIGN, roundUp, type GpuMatrix } from './weights.ts';

export interface GpuLayerWeights {
  attnNorm: GPUBuffer; // (dim) f32
  wq: GpuMatrix; // (heads·headDim, dim)
  wk: GpuMatrix; // (kvHeads·headDim, dim)
  wv: GpuMatrix; // (kvHeads·headDim, dim)
  /** q/k/v biases (Qwen2), (heads·headDim) and (kvHeads·headDim) f32; absent without. */
  bq?: GPUBuffer;
  bk?: GPUBuffer;
  bv?: GPUBuffer;
  /** Per-head q/k RMSNorm weights (Qwen3), (headDim) f32 each; absent without. */
  qNorm?: GPUBuffer;
  kNorm?: GPUBuffer;
  wo: GpuMatrix; // (dim, heads·headDim)
  ffnNorm: GPUBuffer; // (dim) f32
  wGate: GpuMatrix; // (ffnDim, dim)
  wUp: GpuMatrix; // (ffnDim, dim)
  wDown: GpuMatrix; // (dim, ffnDim)
}

export interface GpuWeights {
  embedding: GpuMatrix; // (vocab, dim)
  layers: GpuLayerWeights[];
  outputNorm: GPUBuffer; // (dim) f32
  output: GpuMatrix; // (vocab, dim); the embedding when tied
}

/** What a forward pass ends with. */
export type Head =
  | 'none' // only fill the KV cache (all but the last batch of a prompt)
  | 'sample' // logits of the last token → next token id (the only read-back of a decode step)
  | 'logits' // logits of every token of the batch (tests, analysis)
  | 'logprob'; // log p(target_t | …) of every token into the score buffer

/** Where a probe kernel runs within a layer: on the projected q/k, or on the rotated q and the filled K cache. */
export type ProbePoint = 'beforeRope' | 'afterRope';

/** 'sample' passes that may be recorded before their ids are read (each has its own read-back buffer). */
export const SAMPLE_SLOTS = 4;

/** Most recent tokens the repetition penalty can look at. */
export const MAX_PENALTY_WINDOW = 256;

/** What a 'sample' pass draws with: the options, the draw's index (the RNG counter) and recent ids. */
export interface SamplingStep {
  options: SamplingOptions;
  counter: number;
  recent: ArrayLike<number>;
}

/**
 * Decode attention (attention.wgsl) splits the attended positions into chunks, a multiple of this many
 * positions, one workgroup per chunk and KV head: a 4K-token step of the 8B then has 65 chunks (520
 * workgroups). With 256-position chunks it had 17, too few warps to hide the cache's latency: the kernel
 * took a third of the step (H100).
 */
const ATTENTION_CHUNK_GRANULE = 64;
/** Chunks per query at full context: 128 for decode; 32 when whole prompts go through split-K, whose partials scale with the batch. */
const targetSplits = (promptAttention: GpuModelOptions['promptAttention']) => (promptAttention === 'split' ? 32 : 128);

export interface GpuModel {
  readonly context: number;
  readonly batch: number;
  readonly kvCache: KvCacheInfo;
  /** Uploads a RoPE table (θ per pair and the attention factor): a few hundred bytes. */
  setRope(table: RopeTable): void;
  /** Records and submits one forward pass over `tokens` at positions pos0 … pos0 + n − 1. */
  forward(
    tokens: ArrayLike<number>,
    pos0: number,
    head: Head,
    options?: {
      targets?: ArrayLike<number>;
      scoreOffset?: number;
      sampling?: SamplingStep;
      layers?: Dispatch[];
      /**
       * A decode step whose input is the token the previous 'sample' pass chose, copied on the GPU (`tokens`
       * holds one placeholder): the CPU records step t+1 before it has read step t's id, so the GPU does not
       * idle through the read-back and the next step's encoding. Not with a repetition penalty, whose
       * window must hold the previous token.
       */
      chained?: boolean;
      /** Profiling only: one timed compute pass per dispatch (DispatchTimer), or each pass timed whole (PassTimer). */
      timer?: DispatchTimer | PassTimer;
    },
  ): void;
  /** The token id chosen by the oldest 'sample' pass not yet read (call once per 'sample' pass, in order; at most SAMPLE_SLOTS unread). */
  readSampled(): Promise<number>;
  /** Reads and drops every unread sampled id (a generation that stopped with a chained step in flight). */
  discardSampled(): Promise<void>;
  /** Logits (n, vocab) of the last 'logits' pass. */
  readLogits(n: number): Promise<Float32Array>;
  /** Score buffer entries [0, count). */
  readLogprobs(count: number): Promise<Float32Array>;
  /** One layer's K and V caches (kv_heads, context, head_dim) as f32 values (an f16 cache widened): tests and analysis. */
  readKvCache(layer: number): Promise<{ k: Float32Array; v: Float32Array }>;
  /** Resolves when the GPU has finished the submitted passes (lets a worker's event loop run: cancel). */
  idle(): Promise<void>;
  /** What a probe kernel reads after a layer's rope_store: the step uniform, the rotated q, the K caches. */
  readonly probeAccess: { step: GPUBuffer; q: GPUBuffer; k: GPUBuffer; kCache: readonly GPUBuffer[]; qStride: number; kvStride: number };
  /**
   * The layer dispatches with `extra(layer, 'beforeRope')` after the q/k/v projections and
   * `extra(layer, 'afterRope')` after rope_store of each layer: built once per probe, passed as forward's `layers`.
   */
  layersWith(extra: (layer: number, at: ProbePoint) => Dispatch[]): Dispatch[];
  destroy(): void;
}

const KV_BYTES: Readonly<Record<KvCacheType, number>> = { f32: 4, f16: 2 };

/** Bytes of one layer's K cache (equal to its V cache): (kv_heads, context, head_dim) elements of `dtype`. */
export function kvCacheBytesPerLayer(c: LlamaConfig, context: number, dtype: KvCacheType): number {
  return c.kvHeads * context * c.headDim * KV_BYTES[dtype];
}

/** Throws, naming the context, the layout and the device's limit, when one layer's cache cannot be one storage binding. */
export function checkKvCacheFits(device: HasBufferLimits, c: LlamaConfig, context: number, dtype: KvCacheType): void {
  const half = kvCacheBytesPerLayer(c, context, 'f16');
  const hint =
    dtype === 'f32' && half <= maxBindingBytes(device)
      ? `; an f16 cache (kvCache 'f16', --kv-cache f16) needs ${formatBytes(half)} and fits`
      : '';
  checkBindingSize(
    device,
    kvCacheBytesPerLayer(c, context, dtype),
    `the ${dtype} KV cache of one layer for context ${context} (${c.kvHeads} kv heads × ${c.headDim} dims × ${KV_BYTES[dtype]} bytes per position)`,
    hint,
  );
}

/** The head shapes the attention kernels can run (a file outside them is unsupported); checked before any weight is read. */
export function checkKernelShapes(c: LlamaConfig): void {
  if (c.headDim > 256) throw new GGUFError(`head dimension ${c.headDim} exceeds the attention kernel's 256`);
  const group = c.heads / c.kvHeads; // attention.wgsl: one workgroup per KV head serves the group's query heads
  if (group > 8 || group * c.headDim > 1024)
    throw new GGUFError(
      `${group} query heads of ${c.headDim} dims per KV head exceed the attention kernel's 8 heads and 1024 dims per group`,
    );
  if (c.headDim % 4 !== 0)
    throw new GGUFError(`head dimension ${c.headDim} is not a multiple of 4: the attention kernels read keys four dims at a time`);
}

/**
 * Bytes of the buffers createGpuModel makes besides the weights and the KV cache (activations, logits,
 * split-K partials, score and read-back buffers), for the load budget; mirrors the allocations below.
 */
export function scratchBytes(
  c: LlamaConfig,
  opts: Pick<GpuModelOptions, 'context' | 'batch' | 'promptAttention'>,
): { device: number; readback: number } {
  const { context, batch: B } = opts;
  const qDim = c.heads * c.headDim;
  const kvDim = c.kvHeads * c.headDim;
  const [dimS, qS, kvS, ffnS] = [c.dim, qDim, kvDim, c.ffnDim].map((n) => roundUp(n, ROW_ALIGN));
  const splits = Math.min(targetSplits(opts.promptAttention), Math.ceil(context / ATTENTION_CHUNK_GRANULE));
  const splitTokens = opts.promptAttention === 'split' ? B : 1;
  const floats =
    2 * B * (dimS + qS + kvS + ffnS) +
    2 * dimS +
    B * c.vocabSize +
    splitTokens * c.heads * splits * (2 + c.headDim) +
    2 * B +
    context +
    c.headDim / 2 +
    MAX_PENALTY_WINDOW +
    splitScratchFloats([qDim + 2 * kvDim, qDim, kvDim, c.dim, c.ffnDim, c.vocabSize], B);
  return { device: floats * 4, readback: Math.max(16, B * c.vocabSize * 4, context * 4) + SAMPLE_SLOTS * 16 };
}

export async function createGpuModel(
  device: GPUDevice,
  kernels: KernelCache,
  c: LlamaConfig,
  w: GpuWeights,
  opts: GpuModelOptions,
): Promise<GpuModel> {
  const { context, batch: B } = opts;
  const qDim = c.heads * c.headDim;
  const kvDim = c.kvHeads * c.headDim;
  // Row strides padded as weight rows are (ROW_ALIGN floats): kernels read whole padded rows of inputs.
  const dimS = roundUp(c.dim, ROW_ALIGN);
  const qS = roundUp(qDim, ROW_ALIGN);
  const kvS = roundUp(kvDim, ROW_ALIGN);
  const ffnS = roundUp(c.ffnDim, ROW_ALIGN);
  const vocab = c.vocabSize;
  const pairs = c.headDim / 2;
  // split-K: the chunk grows with the positions a step attends, so every step has up to maxSplits chunks
  const maxSplits = targetSplits(opts.promptAttention);
  const chunkFor = (positions: number) =>
    ATTENTION_CHUNK_GRANULE * Math.max(1, Math.ceil(positions / (ATTENTION_CHUNK_GRANULE * maxSplits)));
  const splits = Math.min(maxSplits, Math.ceil(context / ATTENTION_CHUNK_GRANULE));
  checkKernelShapes(c);

  // Checked before anything is allocated, so a context that cannot fit leaks nothing.
  const kvBytes = kvCacheBytesPerLayer(c, context, opts.kvCache);
  checkKvCacheFits(device, c, context, opts.kvCache);
  checkBindingSize(device, B * vocab * 4, 'the logits buffer (batch × vocab)');

  // ---- buffers (zero-initialised: the padding of every row stays 0)
  const f32 = (n: number, label: string) => storageBuffer(device, n * 4, label);
  const x = f32(B * dimS, 'x (batch, dim) residual stream');
  const xn = f32(B * dimS, 'xn (batch, dim) normalized');
  const q = f32(B * qS, 'q (batch, heads·head_dim)');
  const k = f32(B * kvS, 'k (batch, kv_heads·head_dim)');
  const v = f32(B * kvS, 'v (batch, kv_heads·head_dim)');
  const attn = f32(B * qS, 'attn (batch, heads·head_dim)');
  const gate = f32(B * ffnS, 'gate (batch, ffn)');
  const up = f32(B * ffnS, 'up (batch, ffn)');
  const xLast = f32(dimS, 'x_last (dim)');
  const xnLast = f32(dimS, 'xn_last (dim)');
  const logits = f32(B * vocab, 'logits (batch, vocab)');
  // split-K partials: one query per decode step, or every query of a block when prompts use split-K
  const splitTokens = opts.promptAttention === 'split' ? B : 1;
  const partMl = f32(splitTokens * c.heads * splits * 2, 'attention partial (m, l) (tokens, heads, splits)');
  const partAcc = f32(splitTokens * c.heads * splits * c.headDim, 'attention partial acc (tokens, heads, splits, head_dim)');
  const useSplit = (n: number) => n === 1 || opts.promptAttention === 'split';
  const tokenIds = storageBuffer(device, B * 4, 'token ids (batch)');
  const targets = storageBuffer(device, B * 4, 'score targets (batch)');
  const sampled = storageBuffer(device, 4, 'sampled token id');
  const logprobs = f32(context, 'logprobs (context)');
  const invFreq = f32(pairs, 'rope θ (head_dim/2)');
  const ropeUniform = uniformBuffer(device, 8, 'rope uniform');
  const stepBatch = uniformBuffer(device, STEP_BYTES, 'step (batch)');
  const stepLast = uniformBuffer(device, STEP_BYTES, 'step (last token)');
  const samplerUniform = uniformBuffer(device, 32, 'sampler uniform');
  const recent = storageBuffer(device, MAX_PENALTY_WINDOW * 4, 'recent token ids (penalty window)');
  // the decode matvecs' y2/y3 when a dispatch writes only y, and their norm without NORM (writable bindings must
  // not alias; 16 bytes as matvec_int8.wgsl reads it in vec4s)
  const spare = [
    storageBuffer(device, 4, 'unused output 1'),
    storageBuffer(device, 4, 'unused output 2'),
    storageBuffer(device, 16, 'unused norm weights'),
  ];
  const sampleSlots = Array.from({ length: SAMPLE_SLOTS }, (_, i) =>
    device.createBuffer({ label: `sampled id readback ${i}`, size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
  );
  const unread: GPUBuffer[] = []; // slots of recorded 'sample' passes, oldest first
  let nextSlot = 0;
  const readback = device.createBuffer({
    label: 'readback',
    size: Math.max(16, B * vocab * 4, context * 4),
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });

  // (kv_heads, context, head_dim) of f32, or of f16 packed two per u32 (shaders/lib/kv_f16.wgsl)
  const cache = (l: number, which: string) =>
    storageBuffer(device, kvBytes, `${which} cache ${l} (kv_heads, context, head_dim) ${opts.kvCache}`);
  const kCache = Array.from({ length: c.layers }, (_, l) => cache(l, 'k'));
  const vCache = Array.from({ length: c.layers }, (_, l) => cache(l, 'v'));

  // ---- dispatches
  const dispatchOf = async (
    label: string,
    kernel: string,
    constants: Record<string, number | boolean>,
    buffers: GPUBuffer[],
    grid: Dispatch['grid'],
    weights?: GpuMatrix,
  ): Promise<Dispatch> => {
    const pipeline = await kernels.pipeline(kernel, constants, { weightType: weights?.type, kvCache: opts.kvCache });
    return { label, pipeline, bindGroup: bindGroup(device, pipeline, buffers, label), grid };
  };
  // the K slices of a tiled prompt product beyond the first (projections.ts kSlices), for any product's rows
  const splitScratch = f32(
    Math.max(1, splitScratchFloats([qDim + 2 * kvDim, qDim, kvDim, c.dim, c.ffnDim, vocab], B)),
    'matmul K slices (slices − 1, batch, rows)',
  );
  const { single, tiledAt, matmul, matmulTiled, matvecDecode, adjacent, stacked } = projections({
    opts,
    dispatchOf,
    stepBatch,
    spare,
    splitScratch,
    workgroupBytes: device.limits.maxComputeWorkgroupStorageSize,
  });
  /** An RMSNorm dispatch; `fusedInDecode` when the decode step's matvec_vec4 applies it (NORM) instead. */
  const rmsnorm = (weight: GPUBuffer, input: GPUBuffer, output: GPUBuffer, step = stepBatch, fusedInDecode = false) =>
    dispatchOf(
      'rmsnorm',
      'rmsnorm.wgsl',
      { DIM: c.dim, STRIDE: dimS, EPS: c.rmsEps, WG: opts.normThreads ?? 64 },
      [step, input, weight, output],
      (n) => (fusedInDecode && single(n) ? NONE : [n, 1, 1]),
    );
  const fusedNorm = { NORM: true, DIM: c.dim, EPS: c.rmsEps };
  /** y += bias on every token's row (none without a bias). */
  const biasAdd = async (bias: GPUBuffer | undefined, y: GPUBuffer, dim: number, stride: number): Promise<Dispatch[]> =>
    bias
      ? [
          await dispatchOf('bias_add', 'bias_add.wgsl', { DIM: dim, STRIDE: stride }, [stepBatch, y, bias], (n) =>
            grid2d(groupsOf64(n * dim)),
          ),
        ]
      : [];
  /** RMSNorm of each head of every token's row, in place (none without the weights). */
  const headNorm = async (weight: GPUBuffer | undefined, y: GPUBuffer, heads: number, stride: number): Promise<Dispatch[]> =>
    weight
      ? [
          await dispatchOf(
            'head_rmsnorm',
            'head_rmsnorm.wgsl',
            { HEADS: heads, HEAD_DIM: c.headDim, STRIDE: stride, EPS: c.rmsEps, WG: 64 },
            [stepBatch, y, weight],
            (n) => [n, heads, 1],
          ),
        ]
      : [];
  const embed = await dispatchOf(
    'embed',
    'embed.wgsl',
    { CHUNKS: w.embedding.chunks, ROW_WORDS: w.embedding.rowWords, OUT_STRIDE: dimS, VOCAB: w.embedding.rows },
    [stepBatch, w.embedding.buffer, tokenIds, x],
    (n) => [n, 1, 1],
    w.embedding,
  );
  const layerDispatches: Dispatch[] = [embed];
  const afterRope: number[] = []; // index in layerDispatches just past each layer's rope_store
  for (let l = 0; l < c.layers; l++) {
    const L = w.layers[l];
    const fusedQkv = stacked([L.wq, L.wk, L.wv]);
    const fusedFfn = stacked([L.wGate, L.wUp]);
    const ffnLabel = `matmul ${L.wGate.name}+${L.wUp.name}`;
    // prompt batches: gate, up and SwiGLU in one tiled product when gate and up are stacked
    const tiledFfn = opts.promptMatmul === 'tiled' && adjacent([L.wGate, L.wUp]);
    const qkvLabel = `matmul ${L.wq.name}+${L.wk.name}+${L.wv.name}`;
    // prompt batches: one tiled product for stacked Q/K/V (the small K and V alone leave most of a GPU idle)
    const tiledQkv = opts.promptMatmul === 'tiled' && adjacent([L.wq, L.wk, L.wv]);
    layerDispatches.push(
      await rmsnorm(L.attnNorm, x, xn, stepBatch, fusedQkv),
      ...(fusedQkv
        ? await matvecDecode(qkvLabel, L.wq, qDim + 2 * kvDim, { MODE: 2, SPLIT1: qDim, SPLIT2: qDim + kvDim, ...fusedNorm }, [
            x,
            q,
            k,
            v,
            L.attnNorm,
          ])
        : []),
      ...(tiledQkv
        ? await matmulTiled(
            qkvLabel,
            L.wq,
            qDim + 2 * kvDim,
            { ACCUMULATE: false, IN_STRIDE: dimS, OUT_STRIDE: qS, OUT_STRIDE2: kvS, SPLIT1: qDim, SPLIT2: qDim + kvDim },
            [xn, q, k, v],
          )
        : []),
      ...(await matmul(L.wq, xn, q, dimS, qS, false, { coveredBy: { decode: fusedQkv, prompt: tiledQkv } })),
      ...(await matmul(L.wk, xn, k, dimS, kvS, false, { coveredBy: { decode: fusedQkv, prompt: tiledQkv } })),
      ...(await matmul(L.wv, xn, v, dimS, kvS, false, { coveredBy: { decode: fusedQkv, prompt: tiledQkv } })),
      // the family's extras on the projected q, k, v: biases (Qwen2), then per-head RMSNorm of q and k (Qwen3)
      ...(await biasAdd(L.bq, q, qDim, qS)),
      ...(await biasAdd(L.bk, k, kvDim, kvS)),
      ...(await biasAdd(L.bv, v, kvDim, kvS)),
      ...(await headNorm(L.qNorm, q, c.heads, qS)),
      ...(await headNorm(L.kNorm, k, c.kvHeads, kvS)),
      await dispatchOf(
        'rope_store',
        'rope_store.wgsl',
        {
          HEADS: c.heads,
          KV_HEADS: c.kvHeads,
          HEAD_DIM: c.headDim,
          CONTEXT: context,
          Q_STRIDE: qS,
          KV_STRIDE: kvS,
          NEOX: c.pairing === 'neox',
          ROTATE: c.layerAttention[l].rope !== 'none',
        },
        [stepBatch, ropeUniform, invFreq, q, k, v, kCache[l], vCache[l]],
        (n) => [groupsOf64(n * (c.heads + c.kvHeads) * pairs), 1, 1],
      ),
    );
    afterRope.push(layerDispatches.length); // just past rope_store
    layerDispatches.push(
      await dispatchOf(
        'attention',
        'attention.wgsl',
        {
          HEADS: c.heads,
          KV_HEADS: c.kvHeads,
          HEAD_DIM: c.headDim,
          CONTEXT: context,
          SPLITS: splits,
          Q_STRIDE: qS,
          SCALE: 1 / Math.sqrt(c.headDim),
        },
        [stepBatch, q, kCache[l], vCache[l], partMl, partAcc],
        (n, pos0) => (useSplit(n) ? [Math.ceil((pos0 + n) / chunkFor(pos0 + n)), c.kvHeads, n] : NONE),
      ),
      await dispatchOf(
        'attention_combine',
        'attention_combine.wgsl',
        { HEADS: c.heads, HEAD_DIM: c.headDim, SPLITS: splits, OUT_STRIDE: qS },
        [stepBatch, partMl, partAcc, attn],
        (n) => (useSplit(n) ? [groupsOf64(n * qDim), 1, 1] : NONE),
      ),
      await dispatchOf(
        'attention_prefill',
        'attention_prefill.wgsl',
        {
          HEADS: c.heads,
          KV_HEADS: c.kvHeads,
          HEAD_DIM: c.headDim,
          CONTEXT: context,
          Q_STRIDE: qS,
          OUT_STRIDE: qS,
          SCALE: 1 / Math.sqrt(c.headDim),
        },
        [stepBatch, q, kCache[l], vCache[l], attn],
        (n) => (useSplit(n) || opts.promptAttention === 'tiled' ? NONE : [c.heads, Math.ceil(n / 8), 1]),
      ),
      ...(opts.promptAttention === 'tiled'
        ? [
            await dispatchOf(
              'attention_prefill',
              'attention_prefill_tiled.wgsl',
              {
                HEADS: c.heads,
                KV_HEADS: c.kvHeads,
                HEAD_DIM: c.headDim,
                CONTEXT: context,
                Q_STRIDE: qS,
                OUT_STRIDE: qS,
                SCALE: 1 / Math.sqrt(c.headDim),
              },
              [stepBatch, q, kCache[l], vCache[l], attn],
              (n) => (useSplit(n) ? NONE : [Math.ceil((n * c.heads) / c.kvHeads / 64), c.kvHeads, 1]),
            ),
          ]
        : []),
      ...(await matmul(L.wo, attn, x, qS, dimS, true)),
      await rmsnorm(L.ffnNorm, x, xn, stepBatch, fusedFfn),
      ...(fusedFfn
        ? await matvecDecode(ffnLabel, L.wGate, c.ffnDim, { MODE: 1, ...fusedNorm }, [x, gate, spare[0], spare[1], L.ffnNorm])
        : []),
      ...(tiledFfn
        ? await matmulTiled(ffnLabel, L.wGate, c.ffnDim, { GATED: true, ACCUMULATE: false, IN_STRIDE: dimS, OUT_STRIDE: ffnS }, [
            xn,
            gate,
            spare[0],
            spare[1],
          ])
        : []),
      ...(await matmul(L.wGate, xn, gate, dimS, ffnS, false, { coveredBy: { decode: fusedFfn, prompt: tiledFfn } })),
      ...(await matmul(L.wUp, xn, up, dimS, ffnS, false, { coveredBy: { decode: fusedFfn, prompt: tiledFfn } })),
      await dispatchOf('swiglu', 'swiglu.wgsl', { DIM: c.ffnDim, STRIDE: ffnS }, [stepBatch, gate, up], (n) =>
        (fusedFfn && single(n)) || (tiledFfn && tiledAt(n)) ? NONE : grid2d(groupsOf64(n * c.ffnDim)),
      ),
      ...(await matmul(L.wDown, gate, x, ffnS, dimS, true)),
    );
  }
  const batchHead = [await rmsnorm(w.outputNorm, x, xn), ...(await matmul(w.output, xn, logits, dimS, vocab, false))];
  const logprobDispatch = await dispatchOf(
    'logprob',
    'logprob.wgsl',
    { VOCAB: vocab, STRIDE: vocab },
    [stepBatch, logits, targets, logprobs],
    (n) => [n, 1, 1],
  );
  const sampleHead = [
    await rmsnorm(w.outputNorm, xLast, xnLast, stepLast),
    ...(await matmul(w.output, xnLast, logits, dimS, vocab, false, { step: stepLast })),
  ];
  const argmax = await dispatchOf('argmax', 'argmax.wgsl', { VOCAB: vocab, STRIDE: vocab }, [stepLast, logits, sampled], () => [1, 1, 1]);
  const sample = await dispatchOf(
    'sample',
    'sample.wgsl',
    { VOCAB: vocab, STRIDE: vocab },
    [stepLast, samplerUniform, logits, recent, sampled],
    () => [1, 1, 1],
  );

  /** Writes the sampler uniform; false when plain argmax does the same job. */
  function writeSampler(s: SamplingStep | undefined): boolean {
    const o = s?.options ?? {};
    const temperature = o.temperature ?? 0;
    const penalty = o.repeatPenalty ?? 1;
    if (!s || (temperature <= 0 && penalty === 1)) return false;
    const window = Array.from(s.recent).slice(-Math.min(o.repeatLastN ?? 64, MAX_PENALTY_WINDOW));
    const data = new ArrayBuffer(32);
    const f = new Float32Array(data);
    const u = new Uint32Array(data);
    f[0] = temperature;
    u[1] = o.topK ?? 0;
    f[2] = o.topP ?? 1;
    f[3] = o.minP ?? 0;
    f[4] = penalty;
    u[5] = window.length;
    u[6] = (o.seed ?? 0) >>> 0;
    u[7] = s.counter >>> 0;
    device.queue.writeBuffer(samplerUniform, 0, data);
    if (window.length > 0) device.queue.writeBuffer(recent, 0, Uint32Array.from(window));
    return true;
  }

  const writeStep = (buffer: GPUBuffer, nTokens: number, pos0: number, outOffset: number) =>
    device.queue.writeBuffer(
      buffer,
      0,
      packStep({ n_tokens: nTokens, pos0, sample_row: 0, out_offset: outOffset, attn_chunk: chunkFor(pos0 + nTokens) }),
    );

  async function readSampled(): Promise<number> {
    const slot = unread[0];
    if (!slot) throw new Error('no sample pass is waiting to be read');
    try {
      await slot.mapAsync(GPUMapMode.READ, 0, 4);
      const id = new Uint32Array(slot.getMappedRange(0, 4))[0];
      slot.unmap();
      return id;
    } finally {
      unread.shift();
    }
  }

  async function read(source: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(source, 0, readback, 0, bytes);
    device.queue.submit([encoder.finish()]);
    await readback.mapAsync(GPUMapMode.READ, 0, bytes);
    const copy = readback.getMappedRange(0, bytes).slice(0);
    readback.unmap();
    return copy;
  }

  return {
    context,
    batch: B,
    kvCache: { context, dtype: opts.kvCache, bytesPerLayer: kvBytes, totalBytes: 2 * kvBytes * c.layers },

    setRope(table) {
      if (table.xposZeta) throw new Error('the GPU engine does not implement xPos decay');
      if (table.invFreq.length > pairs) throw new Error(`RoPE table has ${table.invFreq.length} pairs, the head has ${pairs}`);
      const theta = new Float32Array(pairs);
      theta.set(table.invFreq);
      device.queue.writeBuffer(invFreq, 0, theta);
      const uniform = new ArrayBuffer(8);
      new Float32Array(uniform, 0, 1)[0] = table.attentionFactor;
      new Uint32Array(uniform, 4, 1)[0] = table.invFreq.length;
      device.queue.writeBuffer(ropeUniform, 0, uniform);
    },

    forward(tokens, pos0, head, options = {}) {
      const n = tokens.length;
      if (n < 1 || n > B) throw new Error(`a forward pass takes 1 to ${B} tokens, got ${n}`);
      if (pos0 + n > context) throw new Error(`positions ${pos0}…${pos0 + n - 1} exceed the context of ${context}`);
      if (options.chained && (n !== 1 || head !== 'sample' || unread.length === 0))
        throw new Error('a chained pass is one decode step after a recorded sample pass');
      if (head === 'sample' && unread.length === SAMPLE_SLOTS)
        throw new Error(`${SAMPLE_SLOTS} sampled ids are unread: read one before recording another sample pass`);
      if (!options.chained) device.queue.writeBuffer(tokenIds, 0, Uint32Array.from(tokens));
      writeStep(stepBatch, n, pos0, options.scoreOffset ?? 0);
      writeStep(stepLast, 1, pos0 + n - 1, 0);
      if (head === 'logprob') {
        if (!options.targets || options.targets.length !== n) throw new Error('a logprob pass needs one target per token');
        device.queue.writeBuffer(targets, 0, Uint32Array.from(options.targets));
      }
      const encoder = device.createCommandEncoder();
      if (options.chained) encoder.copyBufferToBuffer(sampled, 0, tokenIds, 0, 4);
      const layers = options.layers ?? layerDispatches;
      const batchTail = head === 'logprob' ? [...batchHead, logprobDispatch] : head === 'logits' ? batchHead : [];
      encodePass(encoder, batchTail.length > 0 ? [...layers, ...batchTail] : layers, n, pos0, options.timer);
      if (head === 'sample') {
        encoder.copyBufferToBuffer(x, (n - 1) * dimS * 4, xLast, 0, dimS * 4);
        encodePass(encoder, [...sampleHead, writeSampler(options.sampling) ? sample : argmax], 1, pos0 + n - 1, options.timer);
        const slot = sampleSlots[nextSlot++ % SAMPLE_SLOTS];
        encoder.copyBufferToBuffer(sampled, 0, slot, 0, 4); // the step's only read-back, same command buffer
        unread.push(slot);
      }
      device.queue.submit([encoder.finish()]);
    },

    readSampled,
    async discardSampled() {
      while (unread.length > 0) await readSampled();
    },
    async readLogits(n) {
      return new Float32Array(await read(logits, n * vocab * 4));
    },
    async readKvCache(layer) {
      if (!(layer >= 0 && layer < c.layers)) throw new RangeError(`no layer ${layer} in ${c.layers}`);
      const widen = (bytes: ArrayBuffer) =>
        opts.kvCache === 'f16' ? Float32Array.from(new Uint16Array(bytes), f16ToF32) : new Float32Array(bytes);
      return {
        k: widen(await readBuffer(device, kCache[layer], kvBytes, `k cache ${layer} readback`)),
        v: widen(await readBuffer(device, vCache[layer], kvBytes, `v cache ${layer} readback`)),
      };
    },
    async readLogprobs(count) {
      return new Float32Array(await read(logprobs, count * 4));
    },
    idle() {
      return device.queue.onSubmittedWorkDone();
    },

    probeAccess: { step: stepBatch, q, k, kCache, qStride: qS, kvStride: kvS },
    layersWith(extra) {
      const out: Dispatch[] = [];
      let from = 0;
      afterRope.forEach((end, layer) => {
        const rope = end - 1;
        out.push(...layerDispatches.slice(from, rope), ...extra(layer, 'beforeRope'), layerDispatches[rope], ...extra(layer, 'afterRope'));
        from = end;
      });
      return [...out, ...layerDispatches.slice(from)];
    },

    destroy() {
      for (const b of [
        ...spare,
        ...sampleSlots,
        x,
        xn,
        q,
        k,
        v,
        attn,
        gate,
        up,
        xLast,
        xnLast,
        logits,
        partMl,
        partAcc,
        tokenIds,
        targets,
        sampled,
        logprobs,
        invFreq,
        ropeUniform,
        stepBatch,
        stepLast,
        samplerUniform,
        recent,
        readback,
        ...kCache,
        ...vCache,
      ])
        b.destroy();
    },
  };
}
