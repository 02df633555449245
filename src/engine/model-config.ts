// A model's description: hyperparameters, tensor list and the per-family differences from Llama as data
// (architectures.ts), read from GGUF metadata (llama.cpp's key names) and checked against the tensors'
// shapes, so a bad file fails at load with the tensor named, not later as garbage output.
import { GGUFError, type GGUFFile } from '../gguf/index.ts';
import type { RopeConfig } from '../rope/config.ts';
import { ropeConfigFromGGUF, type RopeFactorTensors } from '../rope/gguf.ts';
import { validateRopeConfig } from '../rope/validate.ts';
import { architectureTraits, layerAttentionOf } from './architectures.ts';
import { checkBlockCount, checkRmsEps, checkRopeDims, expectTensorDim, metaNumber, metaPositiveInt } from './model-checks.ts';
import type { ModelConfig } from './model-description.ts';
import { GLOBAL_TENSORS, checkTensorShapes, layerTensorNames } from './model-shapes.ts';

export type { LayerAttention } from './architectures.ts';
export * from './model-description.ts';
export * from './model-shapes.ts';

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
    const checked = validateRopeConfig({
      ...rope,
      type: 'longrope',
      shortFactor: Array.from(short),
      longFactor: Array.from(long),
      originalContext: original,
      attentionFactor,
    });
    if (!checked.ok) throw new TypeError(checked.error);
    return checked.config;
  } catch (err) {
    throw new GGUFError(`GGUF RoPE metadata: ${(err as Error).message}`.split('\n')[0]);
  }
}

function withoutKey<V>(meta: Map<string, V>, key: string): Map<string, V> {
  const copy = new Map(meta);
  copy.delete(key);
  return copy;
}
