// Setup of the engine tests: a Dawn/SwiftShader GPU device, the stories260K models and their greedy
// reference (paths and gate in shared.ts), and engines over them.
import { readFileSync } from 'node:fs';
import { readGGUF } from '../../src/gguf/index.ts';
import { fileSource } from '../../src/gguf/source-node.ts';
import { openDevice, type GpuContext } from '../../src/engine/gpu/device.ts';
import { nodeGpu } from '../../src/engine/gpu/node-gpu.ts';
import { viteShaders } from '../../src/engine/gpu/shaders-vite.ts';
import { WebGpuEngine } from '../../src/engine/webgpu-engine.ts';
import { logProb, ReferenceModel, type ReferenceOptions, type ReferenceWeights } from '../../src/engine/reference.ts';

import { sharedModel, STORIES_GREEDY_REF } from './shared.ts';

export interface GreedyReference {
  greedy_ids: number[];
  logits_pos0_after_bos: number[];
}

export function greedyReference(): GreedyReference {
  return JSON.parse(readFileSync(STORIES_GREEDY_REF, 'utf8')) as GreedyReference;
}

export async function openStories(name: string) {
  return readGGUF(await fileSource(sharedModel(name)));
}

let shared: Promise<GpuContext> | null = null;

/** One device for all kernel tests of a file (device creation costs ~100 ms on SwiftShader). */
export function testDevice(): Promise<GpuContext> {
  shared ??= nodeGpu({ quiet: true }).then(openDevice);
  return shared;
}

export function testEngine(): WebGpuEngine {
  return new WebGpuEngine({ gpu: () => nodeGpu({ quiet: true }), shaders: viteShaders, openPath: fileSource });
}

/** max |a − b| and max |b|, for tolerances relative to the values' scale. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): { err: number; scale: number } {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return { err, scale };
}

/** Scores a perplexity chunk on the CPU reference (a fresh KV cache per chunk): the oracle for `perplexity()`. */
export function referenceChunkScorer(weights: ReferenceWeights, context: number, options?: ReferenceOptions) {
  return async (chunk: number[], first: number) => {
    const model = new ReferenceModel(weights, context, options);
    let nll = 0;
    for (let pos = 0; pos < chunk.length - 1; pos++) {
      const logits = model.forward(chunk[pos], pos);
      if (pos >= first) nll -= logProb(logits, chunk[pos + 1]);
    }
    return { nll, scored: chunk.length - 1 - first };
  };
}
