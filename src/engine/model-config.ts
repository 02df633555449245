// A Llama model's hyperparameters and tensor list, read from GGUF metadata (llama.cpp's key names) and
// checked against the tensors' shapes, so a bad file fails at load with the tensor named, not later as
// garbage output.
import { GGUFError, type GGUFFile, type GGUFTensorInfo } from '../gguf/index.ts';
import type { RopeConfig } from '../rope/config.ts';
import { ropeConfigFromGGUF } from '../rope/gguf.ts';
import { checkBlockCount, checkRmsEps, checkRopeDims, expectTensorDim, metaNumber, metaPositiveInt } from './model-checks.ts';

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

/**
 * Hyperparameters of a Llama-architecture GGUF. `ropeFreqs` is the dequantized `rope_freqs.weight`
 * when the file has one (the caller reads tensor data; this function only reads metadata, so calling it
 * first without `ropeFreqs` checks that tensor's size before anyone reads it).
 * Every count is checked against the tensors present before anything is derived from it; a bad file
 * throws a GGUFError naming the key.
 */
export function llamaConfigFromGGUF(file: GGUFFile, ropeFreqs?: Float32Array): LlamaConfig {
  const meta = file.metadata;
  const architectureValue = meta.get('general.architecture');
  const architecture = typeof architectureValue === 'string' ? architectureValue : undefined;
  if (!architecture) throw new GGUFError('GGUF metadata lacks general.architecture');
  if (!LLAMA_LIKE.has(architecture))
    throw new GGUFError(
      `unsupported architecture ${JSON.stringify(architecture.slice(0, 40))} (this engine runs ${[...LLAMA_LIKE].join(', ')})`,
    );
  const key = (suffix: string) => `${architecture}.${suffix}`;
  const int = (suffix: string, fallback?: number) => metaPositiveInt(meta, key(suffix), fallback);

  // The layer count first: everything after loops over it.
  const layers = int('block_count');
  checkBlockCount(file, key('block_count'), layers);
  const l0 = layerTensorNames(0);

  const embedding = file.tensorsByName.get(GLOBAL_TENSORS.embedding);
  if (!embedding) throw new GGUFError(`GGUF lacks the tensor ${GLOBAL_TENSORS.embedding}`);
  const dim = int('embedding_length');
  expectTensorDim(file, `${key('embedding_length')} is ${dim}`, dim, GLOBAL_TENSORS.embedding, 0);
  const heads = int('attention.head_count');
  const kvHeads = int('attention.head_count_kv', heads);
  if (kvHeads > heads || heads % kvHeads !== 0)
    throw new GGUFError(
      `GGUF metadata ${key('attention.head_count')} ${heads} is not a multiple of ${key('attention.head_count_kv')} ${kvHeads}`,
    );
  const keyLength = metaNumber(meta, key('attention.key_length'));
  const headDim = keyLength ?? dim / heads;
  if (!Number.isInteger(headDim) || headDim <= 0 || headDim % 2 !== 0)
    throw new GGUFError(
      keyLength === undefined
        ? `GGUF metadata ${key('embedding_length')} ${dim} / ${key('attention.head_count')} ${heads} = ${headDim} is not an even head dimension`
        : `GGUF metadata ${key('attention.key_length')} is ${headDim}; the head dimension must be a positive even integer`,
    );
  const valueLength = metaNumber(meta, key('attention.value_length'));
  if (valueLength !== undefined && valueLength !== headDim)
    throw new GGUFError(
      `GGUF metadata ${key('attention.value_length')} is ${valueLength}, but the key length is ${headDim} (this engine needs them equal)`,
    );
  expectTensorDim(file, `${key('attention.head_count')} is ${heads} (× ${headDim} dims = ${heads * headDim})`, heads * headDim, l0.wq, 1);
  expectTensorDim(
    file,
    `${key('attention.head_count_kv')} is ${kvHeads} (× ${headDim} dims = ${kvHeads * headDim})`,
    kvHeads * headDim,
    l0.wk,
    1,
  );
  const ffnDim = int('feed_forward_length');
  expectTensorDim(file, `${key('feed_forward_length')} is ${ffnDim}`, ffnDim, l0.wGate, 1);

  const vocabRows = embedding.dims[1] ?? 1;
  const tokens = meta.get('tokenizer.ggml.tokens');
  if (Array.isArray(tokens) && tokens.length > vocabRows)
    throw new GGUFError(
      `GGUF metadata tokenizer.ggml.tokens has ${tokens.length} entries, but ${GLOBAL_TENSORS.embedding} has ${vocabRows} rows (one per token)`,
    );
  const vocabSize = metaNumber(meta, key('vocab_size')) ?? (Array.isArray(tokens) ? tokens.length : vocabRows);
  if (vocabSize !== vocabRows)
    throw new GGUFError(
      metaNumber(meta, key('vocab_size')) !== undefined
        ? `GGUF metadata ${key('vocab_size')} is ${vocabSize}, but ${GLOBAL_TENSORS.embedding} has ${vocabRows} rows`
        : `GGUF metadata tokenizer.ggml.tokens has ${vocabSize} entries, but ${GLOBAL_TENSORS.embedding} has ${vocabRows} rows (one per token)`,
    );

  const rmsEps = metaNumber(meta, key('attention.layer_norm_rms_epsilon')) ?? 1e-5;
  checkRmsEps(key('attention.layer_norm_rms_epsilon'), rmsEps);
  checkRopeDims(key('rope.dimension_count'), metaNumber(meta, key('rope.dimension_count')), headDim);
  const name = meta.get('general.name');

  const config: LlamaConfig = {
    architecture,
    name: typeof name === 'string' ? name : 'unnamed model',
    dim,
    layers,
    heads,
    kvHeads,
    headDim,
    ffnDim,
    vocabSize,
    trainedContext: int('context_length'),
    rmsEps,
    rope: ropeOf(file, architecture, ropeFreqs),
    hasRopeFreqs: ropeFreqs !== undefined,
    tiedOutput: !file.tensorsByName.has(GLOBAL_TENSORS.output),
  };
  checkTensorShapes(file, config);
  return config;
}

/** The metadata's RoPE; its validation errors become GGUFErrors (a bad file, not a bug). */
function ropeOf(file: GGUFFile, architecture: string, ropeFreqs: Float32Array | undefined): RopeConfig {
  try {
    return ropeConfigFromGGUF(file.metadata, architecture, ropeFreqs ? { ropeFreqs } : {});
  } catch (err) {
    throw new GGUFError(`GGUF RoPE metadata: ${(err as Error).message}`.split('\n')[0]);
  }
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
    if (!t) throw new GGUFError(`GGUF lacks the tensor ${name}`);
    const actual = t.dims.length === 1 || (t.dims.length === 2 && dims.length === 2) ? t.dims : null;
    if (!actual || actual.length !== dims.length || actual.some((d, i) => d !== dims[i]))
      throw new GGUFError(`tensor ${name} has shape [${t.dims.join(', ')}], expected [${dims.join(', ')}] from the metadata`);
  }
  const ropeFreqs = file.tensorsByName.get(GLOBAL_TENSORS.ropeFreqs);
  if (ropeFreqs && ropeFreqs.nElements * 2 > c.headDim)
    throw new GGUFError(`tensor ${GLOBAL_TENSORS.ropeFreqs} has ${ropeFreqs.nElements} entries, more than head_dim/2 = ${c.headDim / 2}`);
}

/** The tensor info of a name the forward pass needs (the LM head falls back to the embedding when tied). */
export function tensorFor(file: GGUFFile, name: string): GGUFTensorInfo {
  const t = file.tensorsByName.get(name);
  if (!t) throw new GGUFError(`GGUF lacks the tensor ${name}`);
  return t;
}
