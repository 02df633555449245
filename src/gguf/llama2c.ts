// Import of llama2.c checkpoints (Karpathy's legacy "version 0" export) and tokenizer.bin files into
// GGUF form, reproducing llama.cpp's convert-llama2c-to-ggml: the same metadata keys, tensor names,
// order and shapes. Q and K are copied unpermuted: llama2.c already rotates adjacent pairs (2i, 2i+1)
// like ggml's "normal" RoPE; the permutation in convert_hf_to_gguf exists only to undo Hugging Face's
// rotate-half layout, which llama2.c never used.
//
// Checkpoint layout: 7 int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len;
// a negative vocab_size means a separate classifier follows), then float32 arrays: token embedding,
// rms_att, wq, wk, wv, wo, rms_ffn, w1, w2, w3, rms_final, freq_cis (skipped), [wcls].
// Tokenizer layout: int32 max_token_length, then per token: f32 score, int32 length, bytes. A
// vocabulary-only GGUF (the lab's own trained tokenizers, training/) may stand in for tokenizer.bin.
import { GGUFError } from './errors.ts';
import type { ModelSource, TensorSource } from './model-source.ts';
import { readGGUF } from './reader.ts';
import type { ByteSource } from './source.ts';
import { GGMLType } from './types.ts';
import { GGUFValueType, type GGUFTypedValue } from './values.ts';
import { meta } from './writer.ts';

export interface Llama2cConfig {
  dim: number;
  hiddenDim: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  vocabSize: number;
  seqLen: number;
  sharedClassifier: boolean;
}

const HEADER_BYTES = 28;
/** llama2.c's newer export formats start with this magic ("ak42"); only the legacy format has no magic. */
const AK42_MAGIC = 0x616b3432;
/** llama.cpp's LLAMA_TOKEN_NULL (-1) stored as a u32. */
const TOKEN_NULL = 0xffffffff;

export async function readLlama2cConfig(checkpoint: ByteSource): Promise<Llama2cConfig> {
  if (checkpoint.size < HEADER_BYTES)
    throw new GGUFError(`${checkpoint.name}: too small for a llama2.c checkpoint (${checkpoint.size} bytes)`);
  const header = new DataView((await checkpoint.read(0, HEADER_BYTES)).slice().buffer);
  const field = (i: number) => header.getInt32(4 * i, true);
  if (header.getUint32(0, true) === AK42_MAGIC) {
    throw new GGUFError(
      `${checkpoint.name}: llama2.c version 1/2 export (magic "ak42") is not supported; export with --version 0 (legacy)`,
    );
  }
  const [dim, hiddenDim, nLayers, nHeads, nKvHeads, signedVocab, seqLen] = [0, 1, 2, 3, 4, 5, 6].map(field);
  const config = { dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize: Math.abs(signedVocab), seqLen, sharedClassifier: signedVocab > 0 };
  const bad = (what: string) =>
    new GGUFError(
      `${checkpoint.name}: not a llama2.c checkpoint: ${what} (header ${[dim, hiddenDim, nLayers, nHeads, nKvHeads, signedVocab, seqLen].join(', ')})`,
    );
  for (const [name, v] of Object.entries({ dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize: config.vocabSize, seqLen })) {
    if (v <= 0) throw bad(`${name} is ${v}`);
  }
  if (dim % nHeads !== 0) throw bad(`dim ${dim} is not a multiple of n_heads ${nHeads}`);
  if (nKvHeads > nHeads || nHeads % nKvHeads !== 0) throw bad(`n_heads ${nHeads} is not a multiple of n_kv_heads ${nKvHeads}`);
  const expected = HEADER_BYTES + 4 * layout(config).totalFloats;
  if (!Number.isSafeInteger(expected) || expected !== checkpoint.size) {
    throw bad(`the header implies ${expected} bytes but the file has ${checkpoint.size}`);
  }
  return config;
}

/** Float offsets of each array in the checkpoint, after the header. */
function layout(c: Llama2cConfig) {
  const kvDim = (c.dim * c.nKvHeads) / c.nHeads;
  const sizes = {
    embedding: c.vocabSize * c.dim,
    rmsAtt: c.nLayers * c.dim,
    wq: c.nLayers * c.dim * c.dim,
    wk: c.nLayers * c.dim * kvDim,
    wv: c.nLayers * c.dim * kvDim,
    wo: c.nLayers * c.dim * c.dim,
    rmsFfn: c.nLayers * c.dim,
    w1: c.nLayers * c.dim * c.hiddenDim,
    w2: c.nLayers * c.hiddenDim * c.dim,
    w3: c.nLayers * c.dim * c.hiddenDim,
    rmsFinal: c.dim,
    freqCis: c.seqLen * (c.dim / c.nHeads), // real and imaginary halves, seq_len x head_dim/2 each
    wcls: c.sharedClassifier ? 0 : c.vocabSize * c.dim,
  };
  const offsets = {} as Record<keyof typeof sizes, number>;
  let at = 0;
  for (const key of Object.keys(sizes) as Array<keyof typeof sizes>) {
    offsets[key] = at;
    at += sizes[key];
  }
  return { kvDim, offsets, totalFloats: at };
}

/** Linear position interpolation a checkpoint was fine-tuned with (positions divided by `factor`). */
export interface Llama2cLinearScaling {
  type: 'linear';
  factor: number;
  /** The context the base model was trained at, before the interpolation. */
  originalContext?: number;
}

export interface Llama2cOptions {
  /** llama.context_length to record; default the checkpoint's seq_len (what the model was trained at). */
  contextLength?: number;
  /** general.name; default 'llama', as llama.cpp's converter writes. */
  name?: string;
  /** The RoPE base the checkpoint was trained with (llama.rope.freq_base); unrecorded means 10000. */
  ropeBase?: number;
  ropeScaling?: Llama2cLinearScaling;
}

/** The checkpoint (and optional tokenizer) as a GGUF-shaped model with llama.cpp's names and keys. */
export async function readLlama2c(
  checkpoint: ByteSource,
  tokenizer?: ByteSource,
  opts: Llama2cOptions = {},
): Promise<ModelSource & { config: Llama2cConfig }> {
  const config = await readLlama2cConfig(checkpoint);
  const { dim, hiddenDim, nLayers, vocabSize } = config;
  const { kvDim, offsets } = layout(config);
  const tensor = (name: string, dims: number[], floatOffset: number): TensorSource => {
    const nElements = dims.reduce((a, b) => a * b, 1);
    return { name, dims, type: GGMLType.F32, nElements, read: () => checkpoint.read(HEADER_BYTES + 4 * floatOffset, 4 * nElements) };
  };
  const tensors: TensorSource[] = [
    tensor('token_embd.weight', [dim, vocabSize], offsets.embedding),
    tensor('output_norm.weight', [dim], offsets.rmsFinal),
    // llama.cpp's converter writes the classifier even when llama2.c shares it with the embedding.
    tensor('output.weight', [dim, vocabSize], config.sharedClassifier ? offsets.embedding : offsets.wcls),
  ];
  for (let l = 0; l < nLayers; l++) {
    tensors.push(
      tensor(`blk.${l}.attn_q.weight`, [dim, dim], offsets.wq + l * dim * dim),
      tensor(`blk.${l}.attn_k.weight`, [dim, kvDim], offsets.wk + l * dim * kvDim),
      tensor(`blk.${l}.attn_v.weight`, [dim, kvDim], offsets.wv + l * dim * kvDim),
      tensor(`blk.${l}.attn_output.weight`, [dim, dim], offsets.wo + l * dim * dim),
      tensor(`blk.${l}.attn_norm.weight`, [dim], offsets.rmsAtt + l * dim),
      tensor(`blk.${l}.ffn_gate.weight`, [dim, hiddenDim], offsets.w1 + l * dim * hiddenDim),
      tensor(`blk.${l}.ffn_down.weight`, [hiddenDim, dim], offsets.w2 + l * hiddenDim * dim),
      tensor(`blk.${l}.ffn_up.weight`, [dim, hiddenDim], offsets.w3 + l * dim * hiddenDim),
      tensor(`blk.${l}.ffn_norm.weight`, [dim], offsets.rmsFfn + l * dim),
    );
  }
  const vocabulary = tokenizer ? await readTokenizerFile(tokenizer, vocabSize) : [];
  // A vocabulary GGUF brings its own special-token ids; they win over llama2.c's fixed defaults.
  const vocabularyKeys = new Set(vocabulary.map(([key]) => key));
  const rest = hyperparameters(config, opts).filter(([key]) => !vocabularyKeys.has(key));
  return { config, metadata: [...vocabulary, ...rest], tensors };
}

/** The vocabulary from a llama2.c tokenizer.bin or a (vocabulary-only) GGUF file, told apart by magic. */
async function readTokenizerFile(source: ByteSource, vocabSize: number): Promise<Array<[string, GGUFTypedValue]>> {
  // A file too large for a vocabulary is refused (by readLlama2cTokenizer) before anything is read.
  const plausible = source.size >= 4 && source.size <= MAX_TOKENIZER_BYTES;
  const isGGUF = plausible && new TextDecoder().decode(await source.read(0, 4)) === 'GGUF';
  if (!isGGUF) return readLlama2cTokenizer(source, vocabSize);
  const file = await readGGUF(source);
  const tokens = file.metadata.get('tokenizer.ggml.tokens');
  if (!Array.isArray(tokens)) throw new GGUFError(`${source.name}: a GGUF file without a vocabulary (no tokenizer.ggml.tokens)`);
  if (tokens.length !== vocabSize) {
    throw new GGUFError(
      `${source.name}: the vocabulary has ${tokens.length} tokens but the checkpoint's vocab_size is ${vocabSize}; is this the tokenizer it was trained with?`,
    );
  }
  return [...file.metadata]
    .filter(([key]) => key.startsWith('tokenizer.'))
    .map(([key, value]): [string, GGUFTypedValue] => [key, { ...file.metadataTypes.get(key)!, value }]);
}

function hyperparameters(c: Llama2cConfig, opts: Llama2cOptions): Array<[string, GGUFTypedValue]> {
  const rope: Array<[string, GGUFTypedValue]> = [];
  if (opts.ropeBase !== undefined) rope.push(['llama.rope.freq_base', meta.f32(opts.ropeBase)]);
  if (opts.ropeScaling) {
    rope.push(
      ['llama.rope.scaling.type', meta.str(opts.ropeScaling.type)],
      ['llama.rope.scaling.factor', meta.f32(opts.ropeScaling.factor)],
    );
    const original = opts.ropeScaling.originalContext;
    if (original !== undefined) rope.push(['llama.rope.scaling.original_context_length', meta.u32(original)]);
  }
  return [
    ['general.architecture', meta.str('llama')],
    ['general.name', meta.str(opts.name ?? 'llama')],
    ['tokenizer.ggml.unknown_token_id', meta.u32(0)],
    ['tokenizer.ggml.bos_token_id', meta.u32(1)],
    ['tokenizer.ggml.eos_token_id', meta.u32(2)],
    ['tokenizer.ggml.seperator_token_id', meta.u32(TOKEN_NULL)], // sic: llama.cpp's key is spelled so
    ['tokenizer.ggml.padding_token_id', meta.u32(TOKEN_NULL)],
    ['llama.context_length', meta.u32(opts.contextLength ?? c.seqLen)],
    ['llama.embedding_length', meta.u32(c.dim)],
    ['llama.feed_forward_length', meta.u32(c.hiddenDim)],
    ['llama.attention.head_count', meta.u32(c.nHeads)],
    ['llama.attention.head_count_kv', meta.u32(c.nKvHeads)],
    ['llama.block_count', meta.u32(c.nLayers)],
    // llama2.c rotates whole heads.
    ['llama.rope.dimension_count', meta.u32(c.dim / c.nHeads)],
    ['llama.attention.layer_norm_rms_epsilon', meta.f32(1e-5)],
    ...rope,
  ];
}

/** llama.cpp token types (llama_token_type). */
const enum TokenType {
  Normal = 1,
  Unknown = 2,
  Control = 3,
  Byte = 6,
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const MAX_TOKENIZER_BYTES = 64 << 20;

/**
 * tokenizer.bin -> tokenizer.ggml.* entries, as llama.cpp's load_vocab does: ids 0-2 renamed to
 * <unk>, <s>, </s>; "<0xXX>" tokens typed BYTE; spaces written as U+2581 (SentencePiece's ▁).
 */
export async function readLlama2cTokenizer(source: ByteSource, vocabSize: number): Promise<Array<[string, GGUFTypedValue]>> {
  // Real tokenizer.bin files are well under a megabyte; refuse to slurp a model passed by mistake.
  if (source.size > MAX_TOKENIZER_BYTES) {
    throw new GGUFError(`${source.name}: ${source.size} bytes is too large for a llama2.c tokenizer file (at most ${MAX_TOKENIZER_BYTES})`);
  }
  const bytes = await source.read(0, source.size);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tokens: string[] = [];
  const scores: number[] = [];
  const types: number[] = [];
  let at = 4;
  for (let id = 0; id < vocabSize; id++) {
    if (at + 8 > bytes.byteLength) {
      throw new GGUFError(`${source.name}: tokenizer ends after ${id} tokens, the checkpoint has ${vocabSize}`);
    }
    const score = view.getFloat32(at, true);
    const length = view.getInt32(at + 4, true);
    if (length < 0 || at + 8 + length > bytes.byteLength) {
      throw new GGUFError(`${source.name}: token ${id} has length ${length}, past the end of the file`);
    }
    let text: string;
    try {
      text = utf8.decode(bytes.subarray(at + 8, at + 8 + length));
    } catch {
      throw new GGUFError(`${source.name}: token ${id} is not valid UTF-8`);
    }
    at += 8 + length;
    let type = TokenType.Normal;
    if (id === 0) [text, type] = ['<unk>', TokenType.Unknown];
    else if (id === 1) [text, type] = ['<s>', TokenType.Control];
    else if (id === 2) [text, type] = ['</s>', TokenType.Control];
    else if (text === '') type = TokenType.Control;
    else if (/^<0x[0-9A-Fa-f]/.test(text)) type = TokenType.Byte;
    tokens.push(text.replaceAll(' ', '\u2581'));
    scores.push(score);
    types.push(type);
  }
  if (at !== bytes.byteLength) {
    throw new GGUFError(
      `${source.name}: ${bytes.byteLength - at} bytes left after ${vocabSize} tokens; is this the tokenizer of this checkpoint?`,
    );
  }
  return [
    ['tokenizer.ggml.tokens', meta.array(GGUFValueType.STRING, tokens)],
    ['tokenizer.ggml.scores', meta.array(GGUFValueType.FLOAT32, scores)],
    ['tokenizer.ggml.token_type', meta.array(GGUFValueType.INT32, types)],
    ['tokenizer.ggml.model', meta.str('llama')],
  ];
}
