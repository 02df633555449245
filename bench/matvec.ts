// The dequant-matvec microbenchmark of issue #6: the engine's matmul kernel at batch 1 on a 4096×14336
// matrix (the 8B's ffn_gate/ffn_up), per weight type, as GB/s against the copy kernel's bandwidth. It
// runs on a one-layer model of the 8B's layer shape loaded through the engine, timing the ffn_up dispatch
// of a decode step with timestamp queries, so the kernel, its constants and its buffers are the ones a
// real model uses. threadsPerRow 1 is the naive baseline (one thread walks a whole row).
import type { WebGpuEngine } from '../src/engine/webgpu-engine.ts';
import { ggmlTypeName, type GGMLType } from '../src/gguf/index.ts';
import { matrixCosts, type ModelDims } from './costs.ts';
import { canProfile, profileForward } from './profile.ts';
import { planTensors, type BenchShape } from './shapes.ts';
import { registerSynthetic } from './synthetic-registry.ts';

export interface MatvecResult {
  type: string;
  rows: number;
  cols: number;
  /** matmul.wgsl threads per row; the engine's default unless this is the named baseline. */
  threadsPerRow: number | 'default';
  baseline?: string;
  /** Median over the repetitions. */
  gpuMicroseconds?: number;
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

export async function measureMatvec(
  engine: WebGpuEngine, shape: BenchShape, type: GGMLType, threadsPerRow: number | undefined, copyGbPerSecond: number,
): Promise<MatvecResult> {
  const tensors = planTensors(shape, type);
  const matrices = matrixCosts(tensors);
  const up = matrices.get('blk.0.ffn_up.weight')!;
  const result: MatvecResult = {
    type: ggmlTypeName(type).toLowerCase(), rows: up.rows, cols: up.cols, threadsPerRow: threadsPerRow ?? 'default',
    ...(threadsPerRow === 1 ? { baseline: 'naive: one thread per row' } : {}), bytes: up.gpuBytes + (up.cols + up.rows) * 4,
  };
  try {
    await engine.load({ kind: 'path', path: registerSynthetic(shape, type).name }, undefined, { context: 64, threadsPerRow });
    const loaded = engine.gpuInternals();
    if (!canProfile(loaded.gpu.device)) return { ...result, error: 'the device has no timestamp-query feature' };
    const dims: ModelDims = { ...loaded.config, vocab: shape.vocab, kvBytes: 4 };
    const kernel = `matmul ffn_up ${ggmlTypeName(type)}`;
    const times: number[] = [];
    for (let rep = 0; rep <= REPETITIONS; rep++) {
      const profile = await profileForward(loaded.gpu.device, loaded.model, [5], 0, 'none', dims, matrices);
      if (rep > 0) times.push(profile.kernels.find((k) => k.kernel.startsWith(kernel))!.gpuMs * 1000); // rep 0 warms up
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
