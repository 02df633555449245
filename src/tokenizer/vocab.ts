// The vocabulary a GGUF file describes under `tokenizer.*`, read and checked the way llama.cpp's
// llama_vocab::impl::load does (defaults per tokenizer model, metadata overrides, auto-detected
// end-of-generation tokens), except that inconsistencies llama.cpp only warns about are errors here.
import { PRE_TOKENIZER_NAMES, preTokenizerKind } from './pretokenize.ts';

/** GGUF `tokenizer.ggml.token_type` values (llama.cpp's llama_token_type). */
export enum TokenType {
  Undefined = 0,
  Normal = 1,
  Unknown = 2,
  Control = 3,
  UserDefined = 4,
  Unused = 5,
  Byte = 6,
}

export type TokenizerModel = 'llama' | 'gpt2';

export class TokenizerError extends Error {
  override name = 'TokenizerError';
}

export interface Vocabulary {
  model: TokenizerModel;
  /** Pre-tokenizer name for byte-level BPE ('llama-bpe', 'gpt-2', 'default', ...); '' for SPM. */
  pre: string;
  tokens: string[];
  scores: Float32Array;
  types: Uint8Array;
  tokenToId: Map<string, number>;
  /** BPE merge ranks keyed by the merge line ("left right"); empty for SPM. */
  mergeRanks: Map<string, number>;
  bos: number | null;
  eos: number | null;
  unk: number | null;
  pad: number | null;
  /** Tokens that end generation: EOS plus end-of-turn markers found by text, as llama.cpp does. */
  endOfGeneration: Set<number>;
  addBos: boolean;
  addEos: boolean;
  addSpacePrefix: boolean;
  /** Llama 3 style: a pre-token that is itself in the vocabulary skips the merges. */
  ignoreMerges: boolean;
  chatTemplate: string | null;
}

const KEY = 'tokenizer.ggml.';

// Token texts llama.cpp treats as end of generation, forcing them to CONTROL whatever the file says
// (the Llama-family subset of its list in llama_vocab::impl::load).
const END_OF_GENERATION_TEXTS = [
  '<|eot_id|>',
  '<|eom_id|>',
  '<|im_end|>',
  '<|end|>',
  '<end_of_turn>',
  '<|endoftext|>',
  '<|end_of_text|>',
  '</s>',
  '<eos>',
  '<EOT>',
  '_<EOT>',
];

export function readVocabulary(metadata: Map<string, unknown>): Vocabulary {
  const model = readModel(metadata);
  const tokens = readStringArray(metadata, KEY + 'tokens', true)!;
  if (tokens.length === 0) throw new TokenizerError(`${KEY}tokens is empty`);
  const n = tokens.length;

  const scores = new Float32Array(n);
  const rawScores = readNumberArray(metadata, KEY + 'scores');
  if (rawScores) {
    checkLength('scores', rawScores.length, n);
    scores.set(rawScores);
  }

  const types = new Uint8Array(n).fill(TokenType.Normal);
  const rawTypes = readNumberArray(metadata, KEY + 'token_type');
  if (rawTypes) {
    checkLength('token_type', rawTypes.length, n);
    for (let i = 0; i < n; i++) {
      const t = rawTypes[i];
      if (!Number.isInteger(t) || t < 0 || t > TokenType.Byte) {
        throw new TokenizerError(`${KEY}token_type[${i}] = ${t} is not a token type (0..6)`);
      }
      types[i] = t;
    }
  }

  const tokenToId = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    // llama.cpp renames empty tokens rather than failing; an empty key would match everywhere.
    if (tokens[i] === '') tokens[i] = `[EMPTY_${i}]`;
    const previous = tokenToId.get(tokens[i]);
    if (previous !== undefined) {
      throw new TokenizerError(`duplicate token in vocabulary: '${tokens[i]}' has ids ${previous} and ${i}`);
    }
    tokenToId.set(tokens[i], i);
  }

  const pre = model === 'gpt2' ? readPre(metadata) : '';
  const mergeRanks = model === 'gpt2' ? readMerges(metadata) : new Map<string, number>();

  const preKind = model === 'gpt2' ? preTokenizerKind(pre)! : undefined;
  const defaults =
    model === 'llama'
      ? { bos: 1, eos: 2, unk: 0, addBos: true, addSpacePrefix: true }
      : { bos: 11, eos: 11, unk: null, addBos: preKind!.addBos, addSpacePrefix: false };

  const bos = readTokenId(metadata, 'bos_token_id', defaults.bos, n);
  const eos = readTokenId(metadata, 'eos_token_id', defaults.eos, n);
  const unk = readTokenId(metadata, 'unknown_token_id', defaults.unk, n);
  const pad = readTokenId(metadata, 'padding_token_id', null, n);
  const addBos = readBool(metadata, KEY + 'add_bos_token') ?? defaults.addBos;
  const addEos = readBool(metadata, KEY + 'add_eos_token') ?? false;
  const addSpacePrefix = readBool(metadata, KEY + 'add_space_prefix') ?? defaults.addSpacePrefix;
  if (addBos && bos === null) throw new TokenizerError(`${KEY}add_bos_token is true, but there is no BOS token`);
  if (addEos && eos === null) throw new TokenizerError(`${KEY}add_eos_token is true, but there is no EOS token`);

  const endOfGeneration = new Set<number>();
  for (const text of END_OF_GENERATION_TEXTS) {
    const id = tokenToId.get(text);
    if (id === undefined) continue;
    endOfGeneration.add(id);
    types[id] = TokenType.Control;
  }
  for (const id of [eos, readTokenId(metadata, 'eot_token_id', null, n), readTokenId(metadata, 'eom_token_id', null, n)]) {
    if (id !== null) endOfGeneration.add(id);
  }

  const template = metadata.get('tokenizer.chat_template');
  if (template !== undefined && typeof template !== 'string') {
    throw new TokenizerError(`tokenizer.chat_template must be a string, got ${describe(template)}`);
  }

  return {
    model,
    pre,
    tokens,
    scores,
    types,
    tokenToId,
    mergeRanks,
    bos,
    eos,
    unk,
    pad,
    endOfGeneration,
    addBos,
    addEos,
    addSpacePrefix,
    ignoreMerges: preKind?.ignoreMerges ?? false,
    chatTemplate: template ?? null,
  };
}

function readModel(metadata: Map<string, unknown>): TokenizerModel {
  const model = metadata.get(KEY + 'model');
  if (model === undefined) throw new TokenizerError(`missing ${KEY}model (the file has no tokenizer)`);
  if (model !== 'llama' && model !== 'gpt2') {
    throw new TokenizerError(`unsupported tokenizer model '${String(model)}' (supported: 'llama' SentencePiece, 'gpt2' byte-level BPE)`);
  }
  return model;
}

function readPre(metadata: Map<string, unknown>): string {
  const pre = metadata.get(KEY + 'pre');
  if (pre === undefined) return 'default'; // llama.cpp falls back the same way (with a loud warning)
  if (typeof pre !== 'string') throw new TokenizerError(`${KEY}pre must be a string, got ${describe(pre)}`);
  if (!preTokenizerKind(pre)) {
    throw new TokenizerError(`unsupported pre-tokenizer '${pre}' (supported: ${PRE_TOKENIZER_NAMES.join(', ')})`);
  }
  return pre;
}

function readMerges(metadata: Map<string, unknown>): Map<string, number> {
  const merges = readStringArray(metadata, KEY + 'merges', false);
  if (!merges) throw new TokenizerError(`missing ${KEY}merges (required by the 'gpt2' tokenizer model)`);
  const ranks = new Map<string, number>();
  merges.forEach((merge, rank) => {
    // Split at the first space after position 0, as llama.cpp does (a merge may start with a space).
    if (merge.indexOf(' ', 1) < 0) throw new TokenizerError(`${KEY}merges[${rank}] '${merge}' is not two tokens separated by a space`);
    if (!ranks.has(merge)) ranks.set(merge, rank);
  });
  return ranks;
}

function readTokenId(metadata: Map<string, unknown>, name: string, fallback: number | null, n: number): number | null {
  const value = metadata.get(KEY + name);
  if (value === undefined) return fallback !== null && fallback < n ? fallback : null;
  const id = typeof value === 'bigint' ? Number(value) : value;
  if (typeof id !== 'number' || !Number.isInteger(id)) throw new TokenizerError(`${KEY}${name} must be an integer, got ${describe(value)}`);
  // Converters write -1 (as u32 0xFFFFFFFF) for "this model has no such token".
  if (id === -1 || id === 0xffffffff) return null;
  if (id < 0 || id >= n) throw new TokenizerError(`${KEY}${name} = ${id} is out of range (vocabulary has ${n} tokens)`);
  return id;
}

function readBool(metadata: Map<string, unknown>, key: string): boolean | undefined {
  const value = metadata.get(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new TokenizerError(`${key} must be a boolean, got ${describe(value)}`);
  return value;
}

function readStringArray(metadata: Map<string, unknown>, key: string, required: boolean): string[] | undefined {
  const value = metadata.get(key);
  if (value === undefined) {
    if (required) throw new TokenizerError(`missing ${key}`);
    return undefined;
  }
  if (!Array.isArray(value)) throw new TokenizerError(`${key} must be an array of strings, got ${describe(value)}`);
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') throw new TokenizerError(`${key}[${i}] must be a string, got ${describe(value[i])}`);
  }
  return value.slice() as string[];
}

function readNumberArray(metadata: Map<string, unknown>, key: string): ArrayLike<number> | undefined {
  const value = metadata.get(key);
  if (value === undefined) return undefined;
  if (
    ArrayBuffer.isView(value) &&
    !(value instanceof DataView) &&
    !(value instanceof BigInt64Array) &&
    !(value instanceof BigUint64Array)
  ) {
    return value as unknown as ArrayLike<number>;
  }
  if (!Array.isArray(value)) throw new TokenizerError(`${key} must be an array of numbers, got ${describe(value)}`);
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'number') throw new TokenizerError(`${key}[${i}] must be a number, got ${describe(value[i])}`);
  }
  return value as number[];
}

function checkLength(name: string, length: number, n: number): void {
  if (length !== n) throw new TokenizerError(`${KEY}${name} has ${length} entries but ${KEY}tokens has ${n}`);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `'${value.length > 40 ? value.slice(0, 40) + '…' : value}'`;
  return `${typeof value} ${String(value)}`;
}
