// The weight products of a forward pass. Each product is recorded as every kernel that may run it, and
// the grid of those that do not apply to a step is empty (NONE): batches of tokens go through
// matmul.wgsl, or matmul_tiled.wgsl from TILED_MIN_TOKENS on a GPU; a single token (a decode step)
// through matvec_vec4.wgsl (matvec_int8.wgsl for Q4_0 and Q8_0 with opts.decodeActivations 'int8') or
// matvec.wgsl (opts.decodeKernels). Decode-step fusions ('fused'): RMSNorm with Q, K and V in one
// dispatch, RMSNorm with gate, up and SwiGLU in one, when the loader stacked the matrices in one buffer
// (gpu/weights.ts uploadStack).
import { grid2d, type Dispatch } from './kernels.ts';
import type { GpuModelOptions } from './model-options.ts';
import { hasInt8Matvec, hasVec4Matvec } from './shader-library.ts';
import type { GpuMatrix } from './weights.ts';

/** A grid with no workgroups: the dispatch is skipped for this step. */
export const NONE: [number, number, number] = [0, 0, 0];
const MATVEC_WG = 256; // matvec.wgsl's workgroup
const MATVEC_TPR = 32; // its threads per weight row: a warp's worth of neighbouring words
const VEC4_SLOTS = 8; // matvec_vec4.wgsl's row slots per workgroup
/** Batches from this size go through matmul_tiled.wgsl (64-token tiles); smaller ones through matmul.wgsl. */
const TILED_MIN_TOKENS = 16;
/** matmul_tiled.wgsl's tile: weight rows (GATED: half of them gate rows, half up rows) × tokens. */
const TILE_ROWS = 128;
const TILE_TOKENS = 64;
/**
 * Split-K: a matmul_tiled.wgsl product with fewer tiles than this is split along its row length into up to
 * MAX_K_SLICES slices (matmul_partials.wgsl adds them up), so it has about this many workgroups. Measured
 * on an H100 (132 SMs), 2048 rows × 512 tokens (128 tiles): 24 TFLOP/s whole, 28–30 in 2 or 3 slices; a
 * smaller GPU loses little, the slices' sums are a few MB.
 */
const SPLIT_K_WORKGROUPS = 384;
const MAX_K_SLICES = 3;

/** How many slices of its row length a tiled product of `rows` rows over `n` tokens is split into. */
export function kSlices(rows: number, n: number): number {
  const tiles = Math.ceil(rows / TILE_ROWS) * Math.ceil(n / TILE_TOKENS);
  return Math.min(MAX_K_SLICES, Math.ceil(SPLIT_K_WORKGROUPS / tiles));
}

/** Floats of split-K scratch that tiled products of these row counts need for any batch up to maxTokens tokens. */
export function splitScratchFloats(rowCounts: readonly number[], maxTokens: number): number {
  let most = 0;
  for (const rows of rowCounts)
    for (let n = TILED_MIN_TOKENS; n <= maxTokens; n++) most = Math.max(most, (kSlices(rows, n) - 1) * n * rows);
  return most;
}

/** matvec_vec4.wgsl's rows per slot: as many as keep ≥ 256 workgroups (two per SM of a large GPU) in flight. */
function vec4RowsPerSlot(rows: number): number {
  for (const rpt of [4, 2]) if (rows / (VEC4_SLOTS * rpt) >= 256) return rpt;
  return 1;
}

/**
 * matvec_int8.wgsl's rows per slot: as many as keep ≥ 96 workgroups. Each workgroup rounds all of x, so
 * fewer, longer workgroups pay for it less often; on an H100 (132 SMs) 4096×14336 took 20.4 µs in 128
 * workgroups against 27.3 in 256, 2048×8192 8.2 µs in 128 against 8.9 in 64.
 */
function int8RowsPerSlot(rows: number): number {
  for (const rpt of [4, 2]) if (rows / (VEC4_SLOTS * rpt) >= 96) return rpt;
  return 1;
}

/** Workgroup memory matvec_int8.wgsl uses besides its tile of rounded x: lib/matvec_rows.wgsl's `stage`. */
const INT8_STAGE_BYTES = 576 * 16;
/** Bytes of workgroup memory a rounded group of x takes: 32 int8, then d and Σq as two f32. */
const INT8_GROUP_BYTES = 40;
/** Groups of x·g matvec_int8.wgsl stages at a time with NORM (lib/matvec_rows.wgsl's TILE_GROUPS). */
const STAGED_GROUPS = 64;

/** matvec_int8.wgsl's XT: groups of x rounded per tile, the whole row where `workgroupBytes` allows (NORM: 64). */
function int8TileGroups(groups: number, workgroupBytes: number, norm: boolean): number {
  const fits = norm ? STAGED_GROUPS : Math.floor((workgroupBytes - INT8_STAGE_BYTES) / INT8_GROUP_BYTES);
  return Math.max(1, Math.min(groups, fits));
}

type Constants = Record<string, number | boolean>;

export interface ProjectionContext {
  opts: Pick<GpuModelOptions, 'decodeKernels' | 'decodeActivations' | 'promptMatmul' | 'threadsPerRow'>;
  /** The model's dispatch factory: a pipeline for `kernel` (composed for the weights' type) and its bind group. */
  dispatchOf: (
    label: string,
    kernel: string,
    constants: Constants,
    buffers: GPUBuffer[],
    grid: Dispatch['grid'],
    weights?: GpuMatrix,
  ) => Promise<Dispatch>;
  stepBatch: GPUBuffer;
  /** Unused outputs (y2, y3) and norm weights for the kernels' optional bindings (writable bindings must not alias). */
  spare: GPUBuffer[];
  /** Split-K slices of a tiled product, splitScratchFloats of the model's row counts (one product at a time). */
  splitScratch: GPUBuffer;
  /** The device's maxComputeWorkgroupStorageSize. */
  workgroupBytes: number;
}

export function projections({ opts, dispatchOf, stepBatch, spare, splitScratch, workgroupBytes }: ProjectionContext) {
  const tpr = opts.threadsPerRow ?? 8;
  const single = (n: number) => opts.decodeKernels !== 'matmul' && n === 1;
  const vec4Decode = (m: GpuMatrix) => opts.decodeKernels !== 'matmul' && opts.decodeKernels !== 'generic' && hasVec4Matvec(m.type);
  /**
   * Every dispatch of W·X for `m`. `coveredBy` names the products a fused dispatch already does for this
   * matrix: 'decode' (a fused matvec_vec4), 'prompt' (a stacked matmul_tiled), so they are not recorded twice.
   */
  const matmul = async (
    m: GpuMatrix,
    input: GPUBuffer,
    output: GPUBuffer,
    inStride: number,
    outStride: number,
    accumulate: boolean,
    { step = stepBatch, coveredBy = {} }: { step?: GPUBuffer; coveredBy?: { decode?: boolean; prompt?: boolean } } = {},
  ): Promise<Dispatch[]> => {
    const batched = await dispatchOf(
      `matmul ${m.name}`,
      'matmul.wgsl',
      {
        TPR: tpr,
        CHUNKS: m.chunks,
        ROWS: m.rows,
        ROW_WORDS: m.rowWords,
        ROW_OFFSET: m.rowOffset,
        IN_STRIDE: inStride,
        OUT_STRIDE: outStride,
        ACCUMULATE: accumulate,
      },
      [step, m.buffer, input, output],
      (n) => {
        if (single(n) || tiledAt(n)) return NONE;
        const groups = Math.ceil(m.rows / (64 / tpr));
        return [Math.min(groups, 65535), Math.ceil(groups / 65535), Math.ceil(n / 8)];
      },
      m,
    );
    const tiled =
      opts.promptMatmul === 'tiled' && !coveredBy.prompt
        ? await matmulTiled(
            `matmul ${m.name}`,
            m,
            m.rows,
            { ACCUMULATE: accumulate, IN_STRIDE: inStride, OUT_STRIDE: outStride },
            [input, output, spare[0], spare[1]],
            step,
          )
        : [];
    if (opts.decodeKernels === 'matmul' || coveredBy.decode) return [batched, ...tiled];
    if (vec4Decode(m))
      return [
        ...(await matvecDecode(
          `matmul ${m.name}`,
          m,
          m.rows,
          { ACCUMULATE: accumulate },
          [input, output, spare[0], spare[1], spare[2]],
          step,
        )),
        batched,
        ...tiled,
      ];
    const groups = Math.ceil(m.rows / (MATVEC_WG / MATVEC_TPR));
    const vector = await dispatchOf(
      `matmul ${m.name}`,
      'matvec.wgsl',
      { TPR: MATVEC_TPR, CHUNKS: m.chunks, ROWS: m.rows, ROW_WORDS: m.rowWords, ROW_OFFSET: m.rowOffset, ACCUMULATE: accumulate },
      [step, m.buffer, input, output],
      (n) => (single(n) ? [Math.min(groups, 65535), Math.ceil(groups / 65535), 1] : NONE),
      m,
    );
    return [vector, batched, ...tiled];
  };
  const tiledAt = (n: number) => opts.promptMatmul === 'tiled' && n >= TILED_MIN_TOKENS;
  /**
   * A matmul_tiled.wgsl dispatch over `rows` output rows (from m's first); `io` = [x, y, y2, y3]. Split
   * along K where it has few tiles (kSlices), with the matmul_partials.wgsl dispatch that adds the slices
   * for each slice count; GATED products (silu(gate)·up, `rows` pairs of rows) are never split.
   */
  const matmulTiled = async (
    label: string,
    m: GpuMatrix,
    rows: number,
    constants: Constants,
    io: GPUBuffer[],
    step = stepBatch,
  ): Promise<Dispatch[]> => {
    const gated = constants.GATED === true;
    const slices = (n: number) => (gated ? 1 : kSlices(rows, n));
    const product = await dispatchOf(
      label,
      'matmul_tiled.wgsl',
      { CHUNKS: m.chunks, ROWS: rows, ROW_WORDS: m.rowWords, ROW_OFFSET: m.rowOffset, ...constants },
      [step, m.buffer, ...io, splitScratch],
      (n) => (tiledAt(n) ? [Math.ceil(rows / (gated ? TILE_ROWS / 2 : TILE_ROWS)), Math.ceil(n / TILE_TOKENS), slices(n)] : NONE),
      m,
    );
    if (gated) return [product];
    const routing: Constants = {};
    for (const key of ['OUT_STRIDE', 'SPLIT1', 'SPLIT2', 'OUT_STRIDE2']) if (key in constants) routing[key] = constants[key];
    const sums: Dispatch[] = [];
    for (let s = 2; s <= MAX_K_SLICES; s++)
      sums.push(
        await dispatchOf(
          `split-K sum ${s}`,
          'matmul_partials.wgsl',
          { ROWS: rows, PARTS: s - 1, ...routing },
          [step, splitScratch, ...io.slice(1)],
          (n) => (tiledAt(n) && slices(n) === s ? grid2d(Math.ceil((n * rows) / 64)) : NONE),
        ),
      );
    return [product, ...sums];
  };
  /**
   * The decode dispatch of W·x over `rows` output rows, matvec_vec4.wgsl or for Q4_0/Q8_0 with int8
   * activations matvec_int8.wgsl (same bindings); `io` = [x, y, y2, y3, norm weights].
   */
  const matvecDecode = async (
    label: string,
    m: GpuMatrix,
    rows: number,
    constants: Constants,
    io: GPUBuffer[],
    step = stepBatch,
  ): Promise<Dispatch[]> => {
    const int8 = opts.decodeActivations === 'int8' && hasInt8Matvec(m.type);
    const rpt = int8 ? int8RowsPerSlot(rows) : vec4RowsPerSlot(rows);
    const groups = Math.ceil(rows / (VEC4_SLOTS * rpt));
    const kernel = int8 ? 'matvec_int8.wgsl' : 'matvec_vec4.wgsl';
    const tile: Constants = int8 ? { XT: int8TileGroups(m.chunks / 4, workgroupBytes, constants.NORM === true) } : {};
    return [
      await dispatchOf(
        label,
        kernel,
        { RPT: rpt, GROUPS: m.chunks / 4, ROWS: rows, ROW_WORDS: m.rowWords, ROW_OFFSET: m.rowOffset, ...tile, ...constants },
        [step, m.buffer, ...io],
        (n) => (single(n) ? [Math.min(groups, 65535), Math.ceil(groups / 65535), 1] : NONE),
        m,
      ),
    ];
  };
  const fuse = opts.decodeKernels === 'fused';
  const adjacent = (ms: GpuMatrix[]) =>
    ms.every((m, i) => m.buffer === ms[0].buffer && m.rowOffset === (i === 0 ? 0 : ms[i - 1].rowOffset + ms[i - 1].rows));
  const stacked = (ms: GpuMatrix[]) => fuse && vec4Decode(ms[0]) && adjacent(ms);
  return { single, tiledAt, matmul, matmulTiled, matvecDecode, adjacent, stacked };
}
