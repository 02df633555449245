// The dequant-matvec microbenchmark of issue #6: the engine's decode kernel on a 4096×14336 matrix (the
// 8B's ffn_up), per weight type, as GB/s against the copy kernel's bandwidth. It runs on a one-layer model
// of the 8B's layer shape loaded through the engine, timing the ffn_up dispatch of a decode step with
// timestamp queries, so the kernel, its constants and its buffers are the ones a real model uses. The
// engine's kernel (matvec_vec4.wgsl, unfused so ffn_up is a dispatch of its own) is measured against two
// named baselines: the generic matvec.wgsl and matmul.wgsl with one thread walking each row.
import type { LoadOptions } from '../src/engine/types.ts';
import type { WebGpuEngine } from '../src/engine/webgpu-engine.ts';
import { ggmlTypeName, type GGMLType } from '../src/gguf/index.ts';
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

/** One layer of the 8B (dim 4096, ffn 14336); a small vocabulary keeps the rest of the model cheap. */
export const MATVEC_SHAPE: BenchShape = { name: 'matvec-8B-layer', dim: 4096, layers: 1, heads: 32, kvHeads: 8, ffnDim: 14336, vocab: 512, tiedOutput: false, ropeBase: 500000 };
/** SwiftShader's stand-in: the same 3.5 aspect ratio at a sixteenth of the size. */
export const SMALL_MATVEC_SHAPE: BenchShape = { ...MATVEC_SHAPE, name: 'matvec-small', dim: 256, heads: 4, kvHeads: 2, ffnDim: 896 };

const REPETITIONS = 5;
const BACK_TO_BACK = 50;

/** µs per dispatch of `d` (a decode step's, the Step uniform already written) run `count` times in one timed pass. */
async function timeBackToBack(device: GPUDevice, d: Dispatch, count: number): Promise<number> {
  const querySet = device.createQuerySet({ type: 'timestamp', count: 2 });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass({ timestampWrites: { querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } });
  pass.setPipeline(d.pipeline);
  pass.setBindGroup(0, d.bindGroup);
  for (let i = 0; i < count; i++) pass.dispatchWorkgroups(...d.grid(1, 0));
  pass.end();
  device.queue.submit([encoder.finish()]);
  const [t0, t1] = await readTimestamps(device, querySet, 2);
  querySet.destroy();
  return Number(t1 - t0) / 1000 / count;
}

export type MatvecKernel = 'matvec_vec4.wgsl' | 'matvec.wgsl' | 'matmul.wgsl';

/** Each kernel's load options, and what it is when it is a baseline. */
export const MATVEC_KERNELS: Readonly<Record<MatvecKernel, { options: LoadOptions; baseline?: string }>> = {
  'matvec_vec4.wgsl': { options: { decodeKernels: 'vec4' } },
  'matvec.wgsl': { options: { decodeKernels: 'generic' }, baseline: 'generic matvec: 32 threads per row, 8-value chunks' },
  'matmul.wgsl': { options: { decodeKernels: 'matmul', threadsPerRow: 1 }, baseline: 'naive: one thread per row' },
};

export async function measureMatvec(
  engine: WebGpuEngine, shape: BenchShape, type: GGMLType, kernel: MatvecKernel, copyGbPerSecond: number,
): Promise<MatvecResult> {
  const { options, baseline } = MATVEC_KERNELS[kernel];
  const tensors = planTensors(shape, type);
  const matrices = matrixCosts(tensors);
  const up = matrices.get('blk.0.ffn_up.weight')!;
  const result: MatvecResult = {
    type: ggmlTypeName(type).toLowerCase(), rows: up.rows, cols: up.cols, kernel, ...(baseline ? { baseline } : {}),
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
    const times: number[] = [];
    for (let rep = 0; rep <= repetitions; rep++) {
      const profile = await profileForward(loaded.gpu.device, loaded.model, [5], 0, 'none', dims, matrices);
      if (rep > 0) times.push(profile.kernels.find((k) => k.kernel.startsWith(label))!.gpuMs * 1000); // rep 0 warms up
    }
    result.singleDispatchMicroseconds = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
    // The figure: the same dispatch back to back in one timed pass, the GPU kept busy (a lone timed pass
    // also measures the GPU's ramp from idle and the pass's own overhead).
    const up = loaded.model.layersWith(() => []).find((d) => d.label === 'matmul blk.0.ffn_up.weight' && !d.grid(1, 0).includes(0))!;
    times.length = 0;
    for (let rep = 0; rep <= repetitions; rep++) {
      const us = await timeBackToBack(loaded.gpu.device, up, backToBack);
      if (rep > 0) times.push(us);
    }
    const us = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
    const gbPerSecond = result.bytes / (us / 1e6) / 1e9;
    return { ...result, gpuMicroseconds: us, gbPerSecond, fractionOfCopy: gbPerSecond / copyGbPerSecond };
  } catch (err) {
    return { ...result, error: (err as Error).message };
  } finally {
    await engine.unload();
  }
}
