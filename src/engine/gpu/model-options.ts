// How a GpuModel is built: the kernels it picks and the buffers it sizes. Its own module because both the
// model and the weight products it records (projections.ts) read it.
import type { DecodeActivations, DecodeKernels, KvCacheType, PromptAttention } from '../types.ts';

export interface GpuModelOptions {
  context: number;
  /** Tokens per forward pass. */
  batch: number;
  /** matmul.wgsl's threads per weight row (default 8; 1 suits SwiftShader, where barriers are costly). */
  threadsPerRow?: number;
  /** The kernel of batches of tokens (see LoadOptions.promptMatmul; default 'simple'). */
  promptMatmul?: 'tiled' | 'simple';
  /** The kernels of a decode step (see LoadOptions.decodeKernels; default 'matmul'). */
  decodeKernels?: DecodeKernels;
  /** What Q4_0 decode products multiply by (see LoadOptions.decodeActivations; default 'f32'). */
  decodeActivations?: DecodeActivations;
  /** Threads of an RMSNorm workgroup (one per token): many on a GPU, where one workgroup does a whole decode vector. */
  normThreads?: number;
  /** Attention kernel for blocks of several tokens (see LoadOptions.promptAttention). */
  promptAttention: PromptAttention;
  /** Element type of the K and V caches (see LoadOptions.kvCache). */
  kvCache: KvCacheType;
}
