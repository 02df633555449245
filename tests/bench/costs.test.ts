// Per-kernel byte and FLOP accounting of the benchmark (bench/costs.ts) on hand-checked small cases.
import { describe, expect, it } from 'vitest';
import { GGMLType } from '../../src/gguf/index.ts';
import { decodeBytesPerToken, dispatchCost, gpuMatrixBytes, matrixCosts, type ModelDims } from '../../bench/costs.ts';
import type { PlannedTensor } from '../../bench/shapes.ts';

describe('GPU matrix bytes (split rows, blocks padded to whole words, rows to 16 bytes)', () => {
  it.each([
    // Q4_0 split rows: 2 blocks × 16 bytes of quants + one word holding both f16 scales = 36 → 48 bytes
    [GGMLType.Q4_0, 2, 64, 2 * 48],
    // Q8_0: 2 × 32 + 4 = 68 → 80
    [GGMLType.Q8_0, 2, 64, 2 * 80],
    // Q6_K: 210 → 212 per 256 values
    [GGMLType.Q6_K, 3, 512, 3 * 2 * 212],
    // F16/F32 rows padded to 32 values: 12 → 32 values × 2 bytes
    [GGMLType.F16, 3, 12, 3 * 32 * 2],
    [GGMLType.F32, 1, 8, 32 * 4],
  ])('type %i, %i × %i: %i bytes', (type, rows, cols, bytes) => {
    expect(gpuMatrixBytes(type, rows, cols)).toBe(bytes);
  });
});

// A 2-layer model: dim 64, 4 heads of 16 (2 KV heads), FFN 128, vocab 100, f32 KV cache
const dims: ModelDims = { dim: 64, heads: 4, kvHeads: 2, headDim: 16, ffnDim: 128, vocab: 96, kvBytes: 4 };
const tensors: PlannedTensor[] = [
  { name: 'token_embd.weight', dims: [64, 96], type: GGMLType.Q8_0 },
  { name: 'output_norm.weight', dims: [64], type: GGMLType.F32 },
  { name: 'blk.0.ffn_down.weight', dims: [128, 64], type: GGMLType.Q8_0 },
  { name: 'blk.0.attn_q.weight', dims: [64, 64], type: GGMLType.Q8_0 },
  { name: 'blk.0.ffn_gate.weight', dims: [64, 128], type: GGMLType.Q8_0 },
  { name: 'blk.0.ffn_up.weight', dims: [64, 128], type: GGMLType.Q8_0 },
];
const matrices = matrixCosts(tensors);

describe('dispatch costs', () => {
  it('matmul: the weights once, inputs and outputs per token; ffn_down also reads the residual it adds to', () => {
    // ffn_down: 64 rows × 128 cols Q8_0 = 64 × (4 × 32 + 2 × 4 bytes of scales = 136 → 144) = 9216 bytes; 3 tokens
    expect(dispatchCost('matmul blk.0.ffn_down.weight', 3, 10, [1, 1, 1], dims, matrices)).toEqual({
      kernel: 'matmul ffn_down Q8_0',
      bytesRead: 9216 + 3 * 128 * 4 + 3 * 64 * 4,
      bytesWritten: 3 * 64 * 4,
      flops: 2 * 3 * 64 * 128,
    });
    expect(dispatchCost('matmul blk.0.attn_q.weight', 1, 0, [1, 1, 1], dims, matrices)).toEqual({
      kernel: 'matmul attn_q Q8_0',
      bytesRead: 64 * 80 + 64 * 4,
      bytesWritten: 64 * 4,
      flops: 2 * 64 * 64,
    });
  });

  it('a fused decode product of stacked matrices: all their weights; gate+up writes one SwiGLU output per pair', () => {
    // gate and up: 128 rows × 64 cols Q8_0 = 128 × 80 = 10240 bytes each; one token
    expect(dispatchCost('matmul blk.0.ffn_gate.weight+blk.0.ffn_up.weight', 1, 7, [1, 1, 1], dims, matrices)).toEqual({
      kernel: 'matmul ffn_gate+ffn_up Q8_0',
      bytesRead: 2 * 10240 + 64 * 4,
      bytesWritten: 128 * 4,
      flops: 2 * 256 * 64 + 5 * 128,
    });
  });

  it('attention: K and V of every attended position once, scores and weighted sums per (query, key) pair', () => {
    // queries at positions 3 and 4 attend to 4 and 5 keys: 9 pairs; 5 positions of K and V (32 floats each)
    const c = dispatchCost('attention', 2, 3, [2, 4, 2], dims, matrices);
    expect(c.bytesRead).toBe(2 * 64 * 4 + 5 * 32 * 2 * 4);
    expect(c.flops).toBe(4 * 4 * 16 * 9);
    expect(c.bytesWritten).toBe(2 * 4 * 2 * (16 + 2) * 4); // partials of 2 splits
    const f16 = dispatchCost('attention_prefill', 2, 3, [4, 1, 1], { ...dims, kvBytes: 2 }, matrices);
    expect(f16.bytesRead).toBe(2 * 64 * 4 + 5 * 32 * 2 * 2);
  });

  it('names the matrix it has no shape for', () => {
    expect(() => dispatchCost('matmul blk.9.attn_k.weight', 1, 0, [1, 1, 1], dims, matrices)).toThrow(
      /no shape for matrix blk\.9\.attn_k\.weight/,
    );
  });

  it('decode bytes per token: every matrix but the embedding, one embedding row, the KV cache up to the context', () => {
    const weights = 9216 + 64 * 80 + 2 * 10240; // ffn_down + attn_q + ffn_gate + ffn_up
    const embedRow = 80;
    const kv = 2 * 100 * 32 * 2 * 4; // 2 layers × 100 positions × kv dim 32 × K and V × f32
    expect(decodeBytesPerToken(matrices, dims, 2, 100, false)).toBe(weights + embedRow + kv);
    // tied: the embedding is also the LM head, read whole
    expect(decodeBytesPerToken(matrices, dims, 2, 100, true)).toBe(weights + 96 * 80 + embedRow + kv);
  });
});
