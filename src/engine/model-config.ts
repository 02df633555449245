// A Llama model's hyperparameters and tensor list, read from GGUF metadata (llama.cpp's key names) and
// checked against the tensors' shapes, so a bad file fails at load with the tensor named, not later as
// garbage output.
import type { GGUFFile, GGUFTensorInfo, GGUFValue } from '../gguf/index.ts';
import type { RopeConfig } from '../rope/config.ts';
import { ropeConfigFromGGUF } from '../rope/gguf.ts';

export interface LlamaConfig {
  architecture: string;
  name: string;
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  ffnDim: number;
  vocabSize: number;
  /** `<arch>.context_length`. */
  trainedContext: number;
  rmsEps: number;
  /** RoPE of the metadata; includes `rope_freqs.weight` divisors when the file has them. */
  rope: RopeConfig;
  hasRopeFreqs: boolean;
  /** No `output.weight`: the LM head is the token embedding (tied weights). */
  tiedOutput: boolean;
}

/** The GGUF architectures whose tensors follow llama.cpp's `llama` layout. */
const LLAMA_LIKE = new Set(['llama', 'mistral']);

/** The tensors of one transformer block, by llama.cpp name. */
export function layerTensorNames(layer: number) {
  const p = `blk.${layer}.`;
  return {
    attnNorm: `${p}attn_norm.weight`,
    wq: `${p}attn_q.weight`,
    wk: `${p}attn_k.weight`,
    wv: `${p}attn_v.weight`,
    wo: `${p}attn_output.weight`,
    ffnNorm: `${p}ffn_norm.weight`,
    wGate: `${p}ffn_gate.weight`,
    wUp: `${p}ffn_up.weight`,
    wDown: `${p}ffn_down.weight`,
  };
}

export const GLOBAL_TENSORS = {
  embedding: 'token_embd.weight',
  outputNorm: 'output_norm.weight',
  output: 'output.weight',
  ropeFreqs: 'rope_freqs.weight',
} as const;

function metaReader(meta: Map<string, GGUFValue>) {
  const num = (key: string): number | undefined => {
    const v = meta.get(key);
    if (v === undefined) return undefined;
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new Error(`GGUF metadata ${key} must be a number, got ${String(v)}`);
    return n;
  };
  const requiredInt = (key: string): number => {
    const n = num(key);
    if (n === undefined) throw new Error(`GGUF metadata lacks ${key}`);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`GGUF metadata ${key} must be a positive integer, got ${n}`);
    return n;
  };
  const str = (key: string): string | undefined => {
    const v = meta.get(key);
    return typeof v === 'string' ? v : undefined;
  };
  return { num, requiredInt, str };
}

/**
 * Hyperparameters of a Llama-architecture GGUF. `ropeFreqs` is the dequantized `rope_freqs.weight`
 * when the file has one (the caller reads tensor data; this function only reads metadata).
 */
export function llamaConfigFromGGUF(file: GGUFFile, ropeFreqs?: Float32Array): LlamaConfig {
  const { num, requiredInt, str } = metaReader(file.metadata);
  const architecture = str('general.architecture');
  if (!architecture) throw new Error('GGUF metadata lacks general.architecture');
  if (!LLAMA_LIKE.has(architecture))
    throw new Error(`unsupported architecture '${architecture}' (this engine runs ${[...LLAMA_LIKE].join(', ')})`);
  const key = (suffix: string) => `${architecture}.${suffix}`;

  const dim = requiredInt(key('embedding_length'));
  const heads = requiredInt(key('attention.head_count'));
  const kvHeads = num(key('attention.head_count_kv')) ?? heads;
  if (heads % kvHeads !== 0) throw new Error(`head_count ${heads} is not a multiple of head_count_kv ${kvHeads}`);
  const headDim = num(key('attention.key_length')) ?? dim / heads;
  if (!Number.isInteger(headDim) || headDim % 2 !== 0)
    throw new Error(`head dimension ${headDim} (embedding_length ${dim} / head_count ${heads}) must be an even integer`);

  const embedding = file.tensorsByName.get(GLOBAL_TENSORS.embedding);
  if (!embedding) throw new Error(`GGUF lacks the tensor ${GLOBAL_TENSORS.embedding}`);
  const tokens = file.metadata.get('tokenizer.ggml.tokens');
  const vocabSize = num(key('vocab_size')) ?? (Array.isArray(tokens) ? tokens.length : embedding.dims[1]);

  const config: LlamaConfig = {
    architecture,
    name: str('general.name') ?? 'unnamed model',
    dim,
    layers: requiredInt(key('block_count')),
    heads,
    kvHeads,
    headDim,
    ffnDim: requiredInt(key('feed_forward_length')),
    vocabSize,
    trainedContext: requiredInt(key('context_length')),
    rmsEps: num(key('attention.layer_norm_rms_epsilon')) ?? 1e-5,
    rope: ropeConfigFromGGUF(file.metadata, architecture, ropeFreqs ? { ropeFreqs } : {}),
    hasRopeFreqs: ropeFreqs !== undefined,
    tiedOutput: !file.tensorsByName.has(GLOBAL_TENSORS.output),
  };
  checkTensorShapes(file, config);
  return config;
}

/** ggml dims of every tensor the forward pass reads: [row length, rows]. */
export function expectedShapes(c: LlamaConfig): Map<string, number[]> {
  const qDim = c.heads * c.headDim;
  const kvDim = c.kvHeads * c.headDim;
  const shapes = new Map<string, number[]>([
    [GLOBAL_TENSORS.embedding, [c.dim, c.vocabSize]],
    [GLOBAL_TENSORS.outputNorm, [c.dim]],
  ]);
  if (!c.tiedOutput) shapes.set(GLOBAL_TENSORS.output, [c.dim, c.vocabSize]);
  for (let l = 0; l < c.layers; l++) {
    const t = layerTensorNames(l);
    shapes.set(t.attnNorm, [c.dim]);
    shapes.set(t.wq, [c.dim, qDim]);
    shapes.set(t.wk, [c.dim, kvDim]);
    shapes.set(t.wv, [c.dim, kvDim]);
    shapes.set(t.wo, [qDim, c.dim]);
    shapes.set(t.ffnNorm, [c.dim]);
    shapes.set(t.wGate, [c.dim, c.ffnDim]);
    shapes.set(t.wUp, [c.dim, c.ffnDim]);
    shapes.set(t.wDown, [c.ffnDim, c.dim]);
  }
  return shapes;
}

/** Throws naming the first tensor that is missing or whose shape disagrees with the metadata. */
export function checkTensorShapes(file: GGUFFile, c: LlamaConfig): void {
  for (const [name, dims] of expectedShapes(c)) {
    const t = file.tensorsByName.get(name);
    if (!t) throw new Error(`GGUF lacks the tensor ${name}`);
    const actual = t.dims.length === 1 || (t.dims.length === 2 && dims.length === 2) ? t.dims : null;
    if (!actual || actual.length !== dims.length || actual.some((d, i) => d !== dims[i]))
      throw new Error(`tensor ${name} has shape [${t.dims.join(', ')}], expected [${dims.join(', ')}] from the metadata`);
  }
  const ropeFreqs = file.tensorsByName.get(GLOBAL_TENSORS.ropeFreqs);
  if (ropeFreqs && ropeFreqs.nElements * 2 > c.headDim)
    throw new Error(`tensor ${GLOBAL_TENSORS.ropeFreqs} has ${ropeFreqs.nElements} entries, more than head_dim/2 = ${c.headDim / 2}`);
}

/** The tensor info of a name the forward pass needs (the LM head falls back to the embedding when tied). */
export function tensorFor(file: GGUFFile, name: string): GGUFTensorInfo {
  const t = file.tensorsByName.get(name);
  if (!t) throw new Error(`GGUF lacks the tensor ${name}`);
  return t;
}
