// A model's description: hyperparameters, tensor list and the per-family differences from Llama as data
// (architectures.ts), read from GGUF metadata (llama.cpp's key names) and checked against the tensors'
// shapes, so a bad file fails at load with the tensor named, not later as garbage output.
import { GGUFError, type GGUFFile, type GGUFTensorInfo } from '../gguf/index.ts';
import type { RopeConfig } from '../rope/config.ts';
import { rotatedDim } from '../rope/frequencies.ts';
import { ropeConfigFromGGUF, type RopeFactorTensors } from '../rope/gguf.ts';
import {
  architectureTraits,
  layerAttentionOf,
  type FeedForwardActivation,
  type LayerAttention,
  type RotationPairing,
} from './architectures.ts';
import { checkBlockCount, checkRmsEps, checkRopeDims, expectTensorDim, metaNumber, metaPositiveInt } from './model-checks.ts';

export interface ModelConfig {
  architecture: string;
  name: string;
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  /** Per gate (and up) projection; a fused `ffn_up` holds 2 × ffnDim rows. */
  ffnDim: number;
  vocabSize: number;
  /** `<arch>.context_length`. */
  trainedContext: number;
  rmsEps: number;
  /** RoPE of the metadata; includes `rope_freqs.weight` divisors or LongRoPE factor tensors when passed. */
  rope: RopeConfig;
  hasRopeFreqs: boolean;
  /** No `output.weight`: the LM head is the token embedding (tied weights). */
  tiedOutput: boolean;
  pairing: RotationPairing;
  activation: FeedForwardActivation;
  /** q, k, v from one `attn_qkv.weight` ((heads + 2·kvHeads)·headDim rows, q then k then v). */
  fusedQkv: boolean;
  /** q/k/v biases: none, `attn_q/k/v.bias`, or one fused `attn_qkv.bias`. */
  qkvBias: 'none' | 'separate' | 'fused';
  /** `ffn_up` holds gate then up rows; no `ffn_gate`. */
  fusedGateUp: boolean;
  /** Per-head RMSNorm of q and k before RoPE (`attn_q_norm`, `attn_k_norm`). */
  qkNorm: boolean;
  /** RMSNorm of each sublayer's output before its residual add (`post_attention_norm`, `post_ffw_norm`). */
  postNorms: boolean;
  /** Multiplies the embedding row (√dim in f32 for Gemma, else 1). */
  embeddingScale: number;
  /** Multiplies q·k (1/√headDim for most). */
  attentionScale: number;
  /** logits = c·tanh(logits/c); 0: none. */
  logitSoftcap: number;
  /** `output.bias` added to the logits. */
  outputBias: boolean;
  /** One entry per layer. */
  layerAttention: LayerAttention[];
  /** The RoPE of 'local' layers (Gemma 3's sliding-window layers); absent when no layer is local. */
  localRope?: RopeConfig;
}

export type { LayerAttention } from './architectures.ts';

/** The model description's former name, from when only Llama files were read. */
export type LlamaConfig = ModelConfig;

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

/**
 * The description of a GGUF model of any supported family. `factors` are the dequantized RoPE factor
 * tensors the file has (ropeFactorTensorNames; the caller reads tensor data, this function only reads
 * metadata, so calling it first without them checks those tensors' sizes before anyone reads them).
 * Every count is checked against the tensors present before anything is derived from it; a bad file or
 * an unsupported architecture throws a GGUFError naming the key.
 */
export function modelConfigFromGGUF(file: GGUFFile, factors: RopeFactorTensors = {}): ModelConfig {
  const meta = file.metadata;
  const architectureValue = meta.get('general.architecture');
  const architecture = typeof architectureValue === 'string' ? architectureValue : undefined;
  if (!architecture) throw new GGUFError('GGUF metadata lacks general.architecture');
  const traits = architectureTraits(architecture);
  const key = (suffix: string) => `${architecture}.${suffix}`;
  const int = (suffix: string, fallback?: number) => metaPositiveInt(meta, key(suffix), fallback);
  const has = (name: string) => file.tensorsByName.has(name);

  // The layer count first: everything after loops over it.
  const layers = int('block_count');
  checkBlockCount(file, key('block_count'), layers);
  const l0 = layerTensorNames(0);
  const fusedQkv = has(l0.wqkv);

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
  const headsClaim = `${key('attention.head_count')} is ${heads} (× ${headDim} dims = ${heads * headDim})`;
  const kvClaim = `${key('attention.head_count_kv')} is ${kvHeads} (× ${headDim} dims = ${kvHeads * headDim})`;
  if (fusedQkv) expectTensorDim(file, `${headsClaim} and ${kvClaim}, so q, k, v`, (heads + 2 * kvHeads) * headDim, l0.wqkv, 1);
  expectTensorDim(file, headsClaim, heads * headDim, l0.wq, 1);
  expectTensorDim(file, kvClaim, kvHeads * headDim, l0.wk, 1);
  const ffnDim = int('feed_forward_length');
  if (traits.fusedGateUp) expectTensorDim(file, `${key('feed_forward_length')} is ${ffnDim} (gate and up)`, 2 * ffnDim, l0.wUp, 1);
  else expectTensorDim(file, `${key('feed_forward_length')} is ${ffnDim}`, ffnDim, l0.wGate, 1);

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
  const ropeDims = metaNumber(meta, key('rope.dimension_count'));
  checkRopeDims(key('rope.dimension_count'), ropeDims, headDim);
  const name = meta.get('general.name');
  const logitSoftcap = traits.logitSoftcap ? (metaNumber(meta, key('final_logit_softcapping')) ?? 0) : 0;
  if (!(logitSoftcap >= 0)) throw new GGUFError(`GGUF metadata ${key('final_logit_softcapping')} is ${logitSoftcap}; it must be ≥ 0`);

  const trainedContext = int('context_length');
  const rope = ropeOf(file, architecture, traits.longRopeFactors, factors);
  const { layerAttention, localRope } = layerAttentionOf(meta, key, layers, traits, rope);
  const config: ModelConfig = {
    architecture,
    name: typeof name === 'string' ? name : 'unnamed model',
    dim,
    layers,
    heads,
    kvHeads,
    headDim,
    ffnDim,
    vocabSize,
    trainedContext,
    rmsEps,
    rope,
    hasRopeFreqs: factors.ropeFreqs !== undefined,
    tiedOutput: !has(GLOBAL_TENSORS.output),
    pairing: traits.pairing,
    activation: traits.activation,
    fusedQkv,
    qkvBias: has(l0.bqkv) ? 'fused' : has(l0.bq) ? 'separate' : 'none',
    fusedGateUp: traits.fusedGateUp,
    qkNorm: traits.qkNorm,
    postNorms: traits.postNorms,
    embeddingScale: traits.embeddingScale ? Math.fround(Math.sqrt(dim)) : 1,
    attentionScale: traits.attentionScale?.({ layers, dim, heads, headDim }) ?? 1 / Math.sqrt(headDim),
    logitSoftcap,
    outputBias: has(GLOBAL_TENSORS.outputBias),
    layerAttention,
    ...(localRope ? { localRope } : {}),
  };
  checkTensorShapes(file, config);
  return config;
}

/** The Llama-era entry point: `ropeFreqs` is the dequantized `rope_freqs.weight` when the file has one. */
export function llamaConfigFromGGUF(file: GGUFFile, ropeFreqs?: Float32Array): ModelConfig {
  return modelConfigFromGGUF(file, ropeFreqs ? { ropeFreqs } : {});
}

/** The metadata's RoPE; its validation errors become GGUFErrors (a bad file, not a bug). */
function ropeOf(file: GGUFFile, architecture: string, longRopeFactors: boolean, factors: RopeFactorTensors): RopeConfig {
  try {
    // A 'longrope' scaling type changes nothing in llama.cpp (no factor: freq_scale 1, no YaRN); the factor
    // tensors carry LongRoPE, so the type is read as none here and the tensors applied below.
    const typeKey = `${architecture}.rope.scaling.type`;
    const meta = longRopeFactors && file.metadata.get(typeKey) === 'longrope' ? withoutKey(file.metadata, typeKey) : file.metadata;
    const rope = ropeConfigFromGGUF(meta, architecture, factors.ropeFreqs ? { ropeFreqs: factors.ropeFreqs } : {});
    const { ropeFactorsShort: short, ropeFactorsLong: long } = factors;
    if (!longRopeFactors || !short || !long) return rope;
    // LongRoPE as llama.cpp runs Phi-3: θ_i / factor_i, the set chosen by context length, cos/sin × attn_factor.
    if (rope.type !== 'default') throw new TypeError(`LongRoPE factor tensors with RoPE scaling type '${rope.type}' are not supported`);
    const trained = metaNumber(file.metadata, `${architecture}.context_length`);
    const original = metaNumber(file.metadata, `${architecture}.rope.scaling.original_context_length`) ?? trained;
    const attentionFactor = metaNumber(file.metadata, `${architecture}.rope.scaling.attn_factor`) ?? 1;
    return {
      ...rope,
      type: 'longrope',
      shortFactor: Array.from(short),
      longFactor: Array.from(long),
      originalContext: original,
      attentionFactor,
    };
  } catch (err) {
    throw new GGUFError(`GGUF RoPE metadata: ${(err as Error).message}`.split('\n')[0]);
  }
}

function withoutKey<V>(meta: Map<string, V>, key: string): Map<string, V> {
  const copy = new Map(meta);
  copy.delete(key);
  return copy;
}

/**
 * What a model asks beyond the Llama forward pass (adjacent pairs, SwiGLU, one global RoPE, full causal
 * attention, no biases, norms or scales of its own): what the GPU kernels and the probes' traced pass do
 * not model yet. Empty for a Llama-shaped model.
 */
export function beyondLlama(c: ModelConfig): string[] {
  const gaps: [boolean, string][] = [
    [c.pairing !== 'adjacent', 'NEOX rotation pairs'],
    [c.activation !== 'silu', 'GeGLU'],
    [c.fusedQkv, 'fused QKV'],
    [c.qkvBias !== 'none', 'q/k/v biases'],
    [c.fusedGateUp, 'fused gate|up'],
    [c.qkNorm, 'q/k RMSNorm'],
    [c.postNorms, 'post-attention/FFN norms'],
    [c.embeddingScale !== 1, 'embedding scale'],
    [c.attentionScale !== 1 / Math.sqrt(c.headDim), 'attention scale'],
    [c.logitSoftcap !== 0, 'logit softcapping'],
    [c.outputBias, 'output bias'],
    [c.layerAttention.some((a) => a.rope === 'local'), 'per-layer RoPE bases'],
    [c.layerAttention.some((a) => a.window > 0), 'sliding-window attention'],
    [c.layerAttention.some((a) => a.rope === 'none'), 'NoPE layers'],
    [c.rope.type === 'longrope' && !c.hasRopeFreqs, 'LongRoPE factors'],
  ];
  return gaps.filter(([on]) => on).map(([, what]) => what);
}

/** Why the GPU engine refuses this model (it runs Llama-shaped models only for now), or null when it can run it. */
export function gpuEngineRefusal(c: ModelConfig): string | null {
  const beyond = beyondLlama(c);
  if (beyond.length === 0) return null;
  return (
    `the GPU engine cannot run this ${c.architecture} model yet: its kernels lack ${beyond.join(', ')}. ` +
    'The CPU reference runs it (`lab probe --engine cpu`: loss, perplexity, passkey and first-sentence probes; small models).'
  );
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
}

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
