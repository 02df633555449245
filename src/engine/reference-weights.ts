// The CPU reference's weights: every tensor a model description names, dequantized to f32. Fused tensors
// (Phi-3's attn_qkv and gate|up ffn_up) become row views of their parts, so the forward pass has one shape
// for every family: each output row of a product is its own dot product, so splitting rows is exact.
import type { GGUFFile } from '../gguf/index.ts';
import { GGMLType, dequantize, readTensorBytes } from '../gguf/index.ts';
import type { RopeFactorTensors } from '../rope/gguf.ts';
import type { RopeConfig, RopeTable } from '../rope/config.ts';
import { computeRope } from '../rope/frequencies.ts';
import { GLOBAL_TENSORS, layerTensorNames, modelConfigFromGGUF, ropeFactorTensorNames, type ModelConfig } from './model-config.ts';

export interface ReferenceLayer {
  attnNorm: Float32Array; // (dim)
  wq: Float32Array; // (heads·headDim, dim)
  wk: Float32Array; // (kvHeads·headDim, dim)
  wv: Float32Array; // (kvHeads·headDim, dim)
  bq?: Float32Array; // (heads·headDim)
  bk?: Float32Array; // (kvHeads·headDim)
  bv?: Float32Array; // (kvHeads·headDim)
  qNorm?: Float32Array; // (headDim)
  kNorm?: Float32Array; // (headDim)
  wo: Float32Array; // (dim, heads·headDim)
  postAttnNorm?: Float32Array; // (dim)
  ffnNorm: Float32Array; // (dim)
  wGate: Float32Array; // (ffnDim, dim)
  wUp: Float32Array; // (ffnDim, dim)
  wDown: Float32Array; // (dim, ffnDim)
  postFfnNorm?: Float32Array; // (dim)
}

export interface ReferenceWeights {
  config: ModelConfig;
  embedding: Float32Array; // (vocab, dim)
  layers: ReferenceLayer[];
  outputNorm: Float32Array; // (dim)
  output: Float32Array; // (vocab, dim), the embedding itself when tied
  outputBias?: Float32Array; // (vocab)
  /** The matrices above that were Q4_0 or Q8_0 in the file (ReferenceOptions.int8Activations rounds their inputs). */
  int8Products: ReadonlySet<Float32Array>;
}

/**
 * The RoPE table a model runs with in a context of `context` positions: LongRoPE picks its long factors
 * when the context is longer than the original one, as llama.cpp decides per context (not per position).
 */
export function ropeTableFor(rope: RopeConfig, context: number): RopeTable {
  return computeRope(rope.type === 'longrope' ? { ...rope, seqLen: context } : rope);
}

/** Reads and dequantizes every tensor to f32 (fine for small models: it is the test oracle). */
export async function loadReferenceWeights(file: GGUFFile): Promise<ReferenceWeights> {
  const int8Products = new Set<Float32Array>();
  const read = async (name: string) => {
    const t = file.tensorsByName.get(name);
    if (!t) throw new Error(`GGUF lacks the tensor ${name}`);
    const values = dequantize(t.type, await readTensorBytes(file, t), t.nElements);
    if (t.type === GGMLType.Q4_0 || t.type === GGMLType.Q8_0) int8Products.add(values);
    return values;
  };
  /** Consecutive row blocks of `whole`, `sizes` values each (views; a quantized whole's parts stay marked). */
  const split = (whole: Float32Array, sizes: number[]) => {
    let at = 0;
    return sizes.map((size) => {
      const part = whole.subarray(at, (at += size));
      if (int8Products.has(whole)) int8Products.add(part);
      return part;
    });
  };
  modelConfigFromGGUF(file); // the header's checks (the RoPE factor tensors' sizes among them) before any tensor is read
  const factors: RopeFactorTensors = {};
  for (const [field, name] of Object.entries(ropeFactorTensorNames(file))) factors[field as keyof RopeFactorTensors] = await read(name);
  const c = modelConfigFromGGUF(file, factors);
  const qDim = c.heads * c.headDim;
  const kvDim = c.kvHeads * c.headDim;
  const optional = (name: string, present: boolean) => (present ? read(name) : Promise.resolve(undefined));

  const layers: ReferenceLayer[] = [];
  for (let l = 0; l < c.layers; l++) {
    const n = layerTensorNames(l);
    const [wq, wk, wv] = c.fusedQkv
      ? split(await read(n.wqkv), [qDim * c.dim, kvDim * c.dim, kvDim * c.dim])
      : [await read(n.wq), await read(n.wk), await read(n.wv)];
    const [bq, bk, bv] =
      c.qkvBias === 'fused'
        ? split(await read(n.bqkv), [qDim, kvDim, kvDim])
        : c.qkvBias === 'separate'
          ? [await read(n.bq), await read(n.bk), await read(n.bv)]
          : [];
    const [wGate, wUp] = c.fusedGateUp
      ? split(await read(n.wUp), [c.ffnDim * c.dim, c.ffnDim * c.dim])
      : [await read(n.wGate), await read(n.wUp)];
    layers.push({
      attnNorm: await read(n.attnNorm),
      wq,
      wk,
      wv,
      bq,
      bk,
      bv,
      qNorm: await optional(n.qNorm, c.qkNorm),
      kNorm: await optional(n.kNorm, c.qkNorm),
      wo: await read(n.wo),
      postAttnNorm: await optional(n.postAttnNorm, c.postNorms),
      ffnNorm: await read(n.ffnNorm),
      wGate,
      wUp,
      wDown: await read(n.wDown),
      postFfnNorm: await optional(n.postFfnNorm, c.postNorms),
    });
  }
  const embedding = await read(GLOBAL_TENSORS.embedding);
  const output = c.tiedOutput ? embedding : await read(GLOBAL_TENSORS.output);
  const outputBias = await optional(GLOBAL_TENSORS.outputBias, c.outputBias);
  return { config: c, embedding, layers, outputNorm: await read(GLOBAL_TENSORS.outputNorm), output, outputBias, int8Products };
}
