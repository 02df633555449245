// The model shapes and weight types the benchmark measures. Weights are random: speed does not
// depend on their values, and no real model file could travel to the GPU machine anyway.
import { GGMLType } from '../src/gguf/index.ts';

export interface BenchShape {
  name: string;
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  ffnDim: number;
  vocab: number;
  /** The LM head reuses token_embd (llama2.c models) instead of a separate output.weight. */
  tiedOutput: boolean;
  ropeBase: number;
}

export const SHAPES: Readonly<Record<string, BenchShape>> = {
  // llama2.c's stories15M: the smallest shape a real model ships in, and the one SwiftShader can run
  stories15M: {
    name: 'stories15M',
    dim: 288,
    layers: 6,
    heads: 6,
    kvHeads: 6,
    ffnDim: 768,
    vocab: 32000,
    tiedOutput: true,
    ropeBase: 10000,
  },
  // Llama-3.2-1B-like with a 32k vocabulary (the "1B" of the goals)
  '1B': { name: '1B', dim: 2048, layers: 16, heads: 32, kvHeads: 8, ffnDim: 8192, vocab: 32000, tiedOutput: false, ropeBase: 500000 },
  // Llama-3-8B-like with a 32k vocabulary (the "8B" of the goals)
  '8B': { name: '8B', dim: 4096, layers: 32, heads: 32, kvHeads: 8, ffnDim: 14336, vocab: 32000, tiedOutput: false, ropeBase: 500000 },
  // Not a goal's shape: the smallest shape that still has a separate Q6_K output (256 columns), for tests
  tiny: { name: 'tiny', dim: 256, layers: 2, heads: 4, kvHeads: 2, ffnDim: 512, vocab: 512, tiedOutput: false, ropeBase: 10000 },
};

/** The weight types measured, by the names the command line takes. */
export const WEIGHT_TYPES: Readonly<Record<string, GGMLType>> = {
  q4_0: GGMLType.Q4_0,
  q8_0: GGMLType.Q8_0,
  f16: GGMLType.F16,
  f32: GGMLType.F32,
};

export interface PlannedTensor {
  name: string;
  /** ggml order: dims[0] is the row length. */
  dims: number[];
  type: GGMLType;
}

/**
 * The tensors of a Llama GGUF of `shape` whose matrices are `type`, as llama.cpp writes them: norms in
 * F32, and for Q4_0 the LM head in Q6_K (llama.cpp keeps output.weight at higher precision).
 */
export function planTensors(shape: BenchShape, type: GGMLType): PlannedTensor[] {
  const { dim, ffnDim, vocab } = shape;
  const kvDim = (dim / shape.heads) * shape.kvHeads;
  const norm = (name: string): PlannedTensor => ({ name, dims: [dim], type: GGMLType.F32 });
  const matrix = (name: string, cols: number, rows: number, t = type): PlannedTensor => ({ name, dims: [cols, rows], type: t });
  const tensors = [matrix('token_embd.weight', dim, vocab), norm('output_norm.weight')];
  if (!shape.tiedOutput) tensors.push(matrix('output.weight', dim, vocab, type === GGMLType.Q4_0 ? GGMLType.Q6_K : type));
  for (let l = 0; l < shape.layers; l++) {
    const p = `blk.${l}.`;
    tensors.push(
      norm(`${p}attn_norm.weight`),
      matrix(`${p}attn_q.weight`, dim, dim),
      matrix(`${p}attn_k.weight`, dim, kvDim),
      matrix(`${p}attn_v.weight`, dim, kvDim),
      matrix(`${p}attn_output.weight`, dim, dim),
      norm(`${p}ffn_norm.weight`),
      matrix(`${p}ffn_gate.weight`, dim, ffnDim),
      matrix(`${p}ffn_up.weight`, dim, ffnDim),
      matrix(`${p}ffn_down.weight`, ffnDim, dim),
    );
  }
  return tensors;
}
