// The tensors a model description names, by llama.cpp name, and the check that a file holds each of them
// in the shape the metadata implies.
import { GGUFError, type GGUFFile, type GGUFTensorInfo } from '../gguf/index.ts';
import { rotatedDim } from '../rope/frequencies.ts';
import type { RopeFactorTensors } from '../rope/gguf.ts';
import { architectureTraits } from './architectures.ts';
import type { ModelConfig } from './model-description.ts';

/** The tensors of one transformer block, by llama.cpp name (which of them a file has: ModelConfig). */
export function layerTensorNames(layer: number) {
  const p = `blk.${layer}.`;
  return {
    attnNorm: `${p}attn_norm.weight`,
    wq: `${p}attn_q.weight`,
    wk: `${p}attn_k.weight`,
    wv: `${p}attn_v.weight`,
    wqkv: `${p}attn_qkv.weight`,
    bq: `${p}attn_q.bias`,
    bk: `${p}attn_k.bias`,
    bv: `${p}attn_v.bias`,
    bqkv: `${p}attn_qkv.bias`,
    qNorm: `${p}attn_q_norm.weight`,
    kNorm: `${p}attn_k_norm.weight`,
    wo: `${p}attn_output.weight`,
    postAttnNorm: `${p}post_attention_norm.weight`,
    ffnNorm: `${p}ffn_norm.weight`,
    wGate: `${p}ffn_gate.weight`,
    wUp: `${p}ffn_up.weight`,
    wDown: `${p}ffn_down.weight`,
    postFfnNorm: `${p}post_ffw_norm.weight`,
  };
}

export const GLOBAL_TENSORS = {
  embedding: 'token_embd.weight',
  outputNorm: 'output_norm.weight',
  output: 'output.weight',
  outputBias: 'output.bias',
  ropeFreqs: 'rope_freqs.weight',
  ropeFactorsShort: 'rope_factors_short.weight',
  ropeFactorsLong: 'rope_factors_long.weight',
} as const;

/** The RoPE factor tensors a file has, by the RopeFactorTensors field they fill (the caller reads them). */
export function ropeFactorTensorNames(file: GGUFFile): Partial<Record<keyof RopeFactorTensors, string>> {
  const names: Partial<Record<keyof RopeFactorTensors, string>> = {};
  if (file.tensorsByName.has(GLOBAL_TENSORS.ropeFreqs)) names.ropeFreqs = GLOBAL_TENSORS.ropeFreqs;
  if (file.tensorsByName.has(GLOBAL_TENSORS.ropeFactorsShort)) names.ropeFactorsShort = GLOBAL_TENSORS.ropeFactorsShort;
  if (file.tensorsByName.has(GLOBAL_TENSORS.ropeFactorsLong)) names.ropeFactorsLong = GLOBAL_TENSORS.ropeFactorsLong;
  return names;
}

/** ggml dims of every tensor the forward pass reads: [row length, rows]. */
export function expectedShapes(c: ModelConfig): Map<string, number[]> {
  const qDim = c.heads * c.headDim;
  const kvDim = c.kvHeads * c.headDim;
  const shapes = new Map<string, number[]>([
    [GLOBAL_TENSORS.embedding, [c.dim, c.vocabSize]],
    [GLOBAL_TENSORS.outputNorm, [c.dim]],
  ]);
  if (!c.tiedOutput) shapes.set(GLOBAL_TENSORS.output, [c.dim, c.vocabSize]);
  if (c.outputBias) shapes.set(GLOBAL_TENSORS.outputBias, [c.vocabSize]);
  for (let l = 0; l < c.layers; l++) {
    const t = layerTensorNames(l);
    shapes.set(t.attnNorm, [c.dim]);
    if (c.fusedQkv) {
      shapes.set(t.wqkv, [c.dim, qDim + 2 * kvDim]);
    } else {
      shapes.set(t.wq, [c.dim, qDim]);
      shapes.set(t.wk, [c.dim, kvDim]);
      shapes.set(t.wv, [c.dim, kvDim]);
    }
    if (c.qkvBias === 'fused') shapes.set(t.bqkv, [qDim + 2 * kvDim]);
    if (c.qkvBias === 'separate') {
      shapes.set(t.bq, [qDim]);
      shapes.set(t.bk, [kvDim]);
      shapes.set(t.bv, [kvDim]);
    }
    if (c.qkNorm) {
      shapes.set(t.qNorm, [c.headDim]);
      shapes.set(t.kNorm, [c.headDim]);
    }
    shapes.set(t.wo, [qDim, c.dim]);
    if (c.postNorms) shapes.set(t.postAttnNorm, [c.dim]);
    shapes.set(t.ffnNorm, [c.dim]);
    if (c.fusedGateUp) {
      shapes.set(t.wUp, [c.dim, 2 * c.ffnDim]);
    } else {
      shapes.set(t.wGate, [c.dim, c.ffnDim]);
      shapes.set(t.wUp, [c.dim, c.ffnDim]);
    }
    shapes.set(t.wDown, [c.ffnDim, c.dim]);
    if (c.postNorms) shapes.set(t.postFfnNorm, [c.dim]);
  }
  return shapes;
}

/** Throws naming the first tensor that is missing or whose shape disagrees with the metadata. */
export function checkTensorShapes(file: GGUFFile, c: ModelConfig): void {
  for (const [name, dims] of expectedShapes(c)) {
    const t = file.tensorsByName.get(name);
    if (!t) throw new GGUFError(`GGUF lacks the tensor ${name}`);
    const actual = t.dims.length === 1 || (t.dims.length === 2 && dims.length === 2) ? t.dims : null;
    if (!actual || actual.length !== dims.length || actual.some((d, i) => d !== dims[i]))
      throw new GGUFError(`tensor ${name} has shape [${t.dims.join(', ')}], expected [${dims.join(', ')}] from the metadata`);
  }
  const ropeFreqs = file.tensorsByName.get(GLOBAL_TENSORS.ropeFreqs);
  if (ropeFreqs && ropeFreqs.nElements * 2 > c.headDim)
    throw new GGUFError(`tensor ${GLOBAL_TENSORS.ropeFreqs} has ${ropeFreqs.nElements} entries, more than head_dim/2 = ${c.headDim / 2}`);
  checkLongRopeTensors(file, c);
  const unread = UNREAD_BIASES.find((suffix) => file.tensors.some((t) => t.name.endsWith(suffix)));
  if (unread)
    throw new GGUFError(`GGUF has ${unread} tensors, which llama.cpp adds and this engine does not: running without them would be wrong`);
}

/** Optional tensors llama.cpp's loader reads for some families that no description here includes. */
const UNREAD_BIASES = [
  'attn_output.bias',
  'ffn_gate.bias',
  'ffn_up.bias',
  'ffn_down.bias',
  'attn_norm.bias',
  'ffn_norm.bias',
  'output_norm.bias',
];

/** LongRoPE factor tensors: both or neither, one factor per rotated pair (Phi-3 only; elsewhere llama.cpp ignores them). */
function checkLongRopeTensors(file: GGUFFile, c: ModelConfig): void {
  if (!architectureTraits(c.architecture).longRopeFactors) return;
  const short = file.tensorsByName.get(GLOBAL_TENSORS.ropeFactorsShort);
  const long = file.tensorsByName.get(GLOBAL_TENSORS.ropeFactorsLong);
  if (!short && !long) return;
  if (!short || !long)
    throw new GGUFError(`GGUF has ${short ? GLOBAL_TENSORS.ropeFactorsShort : GLOBAL_TENSORS.ropeFactorsLong} without its pair`);
  const pairs = rotatedDim(c.rope) / 2;
  for (const t of [short, long])
    if (t.nElements !== pairs) throw new GGUFError(`tensor ${t.name} has ${t.nElements} entries, expected one per rotated pair (${pairs})`);
}

/** The tensor info of a name the forward pass needs (the LM head falls back to the embedding when tied). */
export function tensorFor(file: GGUFFile, name: string): GGUFTensorInfo {
  const t = file.tensorsByName.get(name);
  if (!t) throw new GGUFError(`GGUF lacks the tensor ${name}`);
  return t;
}
