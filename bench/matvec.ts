// The dequant-matvec microbenchmark: the engine's decode kernel on a 4096×14336 matrix (the
// 8B's ffn_up), per weight type, as GB/s against the copy kernel's bandwidth. It runs on a model of the
// 8B's layer shape loaded through the engine, timing the ffn_up dispatches of decode steps with
// timestamp queries, so the kernel, its constants and its buffers are the ones a real model uses.
// Two things would flatter or spoil the figure, and are kept out:
//   - a GPU's cache: a Q4_0 ffn_up (33 MB) fits in an H100's 50 MB L2, so dispatches of one matrix back to
//     back read it from L2, not memory. The model has LAYERS layers and the timed dispatches cycle through
//     their ffn_up matrices (132–470 MB), so each one streams from memory;
//   - clocks: an idle H100 runs its SMs at 345 MHz and takes a while to raise them. Measured right after a
//     load, this kernel took 116 µs instead of 22 µs. The dispatches run back to back for WARM_UP_MS before
//     any is timed.
// The engine's kernel (matvec_vec4.wgsl, or for Q4_0 and Q8_0 matvec_int8.wgsl — x rounded to 8 bits, the default
// where WGSL has dot4I8Packed; unfused so ffn_up is a dispatch of its own) is measured against named
// baselines: the generic matvec.wgsl, matmul.wgsl with one thread walking each row, and for Q4_0 and Q8_0 the f32
// matvec_vec4.wgsl.
import type { LoadOptions } from '../src/engine/types.ts';
import type { WebGpuEngine } from '../src/engine/webgpu-engine.ts';
import { GGMLType, ggmlTypeName } from '../src/gguf/index.ts';
import { matrixCosts, type ModelDims } from './costs.ts';
import type { Dispatch } from '../src/engine/gpu/kernels.ts';
import { canProfile, profileForward } from './profile.ts';
import { readTimestamps } from './timestamps.ts';
import { planTensors, type BenchShape } from './shapes.ts';
import { registerSynthetic } from './synthetic-registry.ts';

export interface MatvecResult {
  type: string;
  rows: number;
  cols: number;
  /** The kernel file timed. */
  kernel: MatvecKernel;
  /** Set for the baselines: what they are. */
  baseline?: string;
  /** Median over the repetitions of one dispatch's time when BACK_TO_BACK run in one timed pass. */
  gpuMicroseconds?: number;
  /** Median time of the dispatch alone in a timed pass, within a decode step (includes the pass overhead). */
  singleDispatchMicroseconds?: number;
  bytes: number;
  gbPerSecond?: number;
  fractionOfCopy?: number;
  error?: string;
}

/** Layers whose ffn_up matrices the timed dispatches cycle through: 4 × 33 MB (Q4_0) is well past a 50 MB L2. */
const LAYERS = 4;
/** Layers of the 8B (dim 4096, ffn 14336); a small vocabulary keeps the rest of the model cheap. */
export const MATVEC_SHAPE: BenchShape = {
  name: 'matvec-8B-layers',
  dim: 4096,
  layers: LAYERS,
  heads: 32,
  kvHeads: 8,
  ffnDim: 14336,
  vocab: 512,
  tiedOutput: false,
  ropeBase: 500000,
};
/** SwiftShader's stand-in: the same 3.5 aspect ratio at a sixteenth of the size. */
export const SMALL_MATVEC_SHAPE: BenchShape = { ...MATVEC_SHAPE, name: 'matvec-small', dim: 256, heads: 4, kvHeads: 2, ffnDim: 896 };

const REPETITIONS = 5;
const BACK_TO_BACK = 48; // a multiple of LAYERS
const WARM_UP_MS = 1500;

/** µs per dispatch of `ds` (a decode step's, the Step uniform already written), `count` of them in turn, in one timed pass. */
async function timeBackToBack(device: GPUDevice, ds: Dispatch[], count: number): Promise<number> {
  const querySet = device.createQuerySet({ type: 'timestamp', count: 2 });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass({ timestampWrites: { querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } });
  for (let i = 0; i < count; i++) {
    const d = ds[i % ds.length];
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(...d.grid(1, 0));
  }
  pass.end();
  device.queue.submit([encoder.finish()]);
  const [t0, t1] = await readTimestamps(device, querySet, 2);
  querySet.destroy();
  return Number(t1 - t0) / 1000 / count;
}

export type MatvecKernel = 'matvec_int8.wgsl' | 'matvec_vec4.wgsl' | 'matvec.wgsl' | 'matmul.wgsl';

interface MatvecKernelSpec {
  options: LoadOptions;
  /** The weight types it reads (default: all). */
  types?: readonly GGMLType[];
  /** What it is where it is a baseline for this type (undefined: the engine's kernel). */
  baseline?: (type: GGMLType) => string | undefined;
}

/** Each kernel's load options, and what it is when it is a baseline. */
export const MATVEC_KERNELS: Readonly<Record<MatvecKernel, MatvecKernelSpec>> = {
  'matvec_int8.wgsl': { options: { decodeKernels: 'vec4', decodeActivations: 'int8' }, types: [GGMLType.Q4_0, GGMLType.Q8_0] },
  'matvec_vec4.wgsl': {
    options: { decodeKernels: 'vec4', decodeActivations: 'f32' },
    baseline: (type) =>
      type === GGMLType.Q4_0 || type === GGMLType.Q8_0 ? "f32 x (decodeActivations 'f32'): weights become floats" : undefined,
  },
  'matvec.wgsl': { options: { decodeKernels: 'generic' }, baseline: () => 'generic matvec: 32 threads per row, 8-value chunks' },
  'matmul.wgsl': { options: { decodeKernels: 'matmul', threadsPerRow: 1 }, baseline: () => 'naive: one thread per row' },
};

/** The kernels measured for a weight type. */
export const matvecKernelsFor = (type: GGMLType): MatvecKernel[] =>
  (Object.keys(MATVEC_KERNELS) as MatvecKernel[]).filter((k) => MATVEC_KERNELS[k].types?.includes(type) ?? true);

export async function measureMatvec(
  engine: WebGpuEngine,
  shape: BenchShape,
  type: GGMLType,
  kernel: MatvecKernel,
  copyGbPerSecond: number,
): Promise<MatvecResult> {
  const { options } = MATVEC_KERNELS[kernel];
  const baseline = MATVEC_KERNELS[kernel].baseline?.(type);
  const tensors = planTensors(shape, type);
  const matrices = matrixCosts(tensors);
  const up = matrices.get('blk.0.ffn_up.weight')!;
  const result: MatvecResult = {
    type: ggmlTypeName(type).toLowerCase(),
    rows: up.rows,
    cols: up.cols,
    kernel,
    ...(baseline ? { baseline } : {}),
    bytes: up.gpuBytes + (up.cols + up.rows) * 4,
  };
  try {
    await engine.load({ kind: 'path', path: registerSynthetic(shape, type).name }, undefined, { context: 64, ...options });
    const loaded = engine.gpuInternals();
    if (!canProfile(loaded.gpu.device)) return { ...result, error: 'the device has no timestamp-query feature' };
    const dims: ModelDims = { ...loaded.config, vocab: shape.vocab, kvBytes: 4 };
    const label = `matmul ffn_up ${ggmlTypeName(type)}`;
    // a CPU rasterizer runs a 256-thread workgroup with barriers very slowly: there, prove it runs, no more
    const [repetitions, backToBack] = loaded.gpu.software ? [1, 2] : [REPETITIONS, BACK_TO_BACK];
    const dispatches = loaded.model.layersWith(() => []);
    const ups = Array.from({ length: shape.layers }, (_, l) =>
      dispatches.find((d) => d.label === `matmul blk.${l}.ffn_up.weight` && !d.grid(1, 0).includes(0))!,
    );
    // a decode step writes the Step uniform the dispatches read (n_tokens = 0 would make them return at once)
    await profileForward(loaded.gpu.device, loaded.model, [5], 0, 'none', dims, matrices);
    if (!loaded.gpu.software) {
      const start = performance.now();
      while (performance.now() - start < WARM_UP_MS) await timeBackToBack(loaded.gpu.device, ups, 4 * backToBack);
    }
    const times: number[] = [];
    for (let rep = 0; rep < repetitions; rep++) {
      const profile = await profileForward(loaded.gpu.device, loaded.model, [5], 0, 'none', dims, matrices);
      const entry = profile.kernels.find((k) => k.kernel.startsWith(label))!;
      times.push((entry.gpuMs * 1000) / entry.calls);
    }
    const single = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
    // The figure: the layers' ffn_up dispatches in turn, back to back in one timed pass, the GPU kept busy
    // (a lone timed pass also measures the pass's own overhead).
    times.length = 0;
    for (let rep = 0; rep < repetitions; rep++) times.push(await timeBackToBack(loaded.gpu.device, ups, backToBack));
    const us = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
    const gbPerSecond = result.bytes / (us / 1e6) / 1e9;
    return {
      ...result,
      singleDispatchMicroseconds: single,
      gpuMicroseconds: us,
      gbPerSecond,
      fractionOfCopy: gbPerSecond / copyGbPerSecond,
    };
  } catch (err) {
    return { ...result, error: (err as Error).message };
  } finally {
    await engine.unload();
  }
}
