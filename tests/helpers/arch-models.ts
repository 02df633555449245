// Small random-weight F32 GGUFs of every family the lab means to run, laid out as llama.cpp's
// converter (convert_hf_to_gguf.py + conversion/*.py) writes them and as llama.cpp's loader
// (src/llama-model.cpp, src/models/<arch>.cpp, commit de3ff81 bundled with node-llama-cpp) reads them.
// What each family's file holds, beyond the llama layout (every family: attention scale 1/sqrt(headDim)):
//   llama, mistral  `llama` arch; RoPE on adjacent pairs (NORM). Mistral converts to `llama` too, and
//                   llama.cpp reads no sliding window for it.
//   qwen2           attn_q/k/v biases; NEOX RoPE (pairs i, i + d/2); q width = dim.
//   qwen3           attn_q_norm / attn_k_norm ([headDim], RMSNorm of each head before RoPE); NEOX;
//                   key_length lets heads·headDim differ from dim.
//   gemma3          embeddings × sqrt(dim); q/k norms; post_attention_norm and post_ffw_norm; GeGLU with
//                   tanh GELU (ggml's CPU build reads it from an f16 table: the gate rounded to f16, the
//                   GELU value too, ~1e-3 relative off exact GELU); NEOX; attention.sliding_window (a
//                   local query sees the window's keys, itself included), layer i local when
//                   i % 6 < 5; rope.freq_base for global layers, rope.freq_base_swa (default 10000) for
//                   local ones. Norm weights are stored as 1 + w already (the converter adds the one),
//                   so every norm is a plain RMSNorm times the stored weight.
//   phi3            fused attn_qkv (rows q | k | v) and ffn_up (rows gate | up, SiLU on the gate half);
//                   NEOX over the first rope.dimension_count dims of each head; the LongRoPE shape adds
//                   rope_factors_long/short.weight ([ropeDim/2], dividing each pair's frequency),
//                   rope.scaling.type "longrope", original_context_length and attn_factor (scaling
//                   cos and sin).
//   smollm3         NORM RoPE; layer i has no RoPE when (i + 1) % 4 == 0: llama.cpp hard-codes the
//                   interval and reads no key for it. The YaRN shape adds rope.scaling.{type, factor,
//                   original_context_length}.
// Each tensor's values depend only on (seed, tensor name, shape): N(0, 1/fan_in) for weights, N(0, 1)
// for embeddings (N(0, 1/dim) when tied), 1 + N(0, 0.1²) for norms, N(0, 0.5²) for biases, so every
// parameter matters and activations stay O(1).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GGMLType, GGUFValueType, type GGUFTypedValue } from '../../src/gguf/index.ts';
import { meta, writeGGUF, type GGUFTensorToWrite } from '../../src/gguf/writer.ts';

export type ArchName = 'llama' | 'mistral' | 'qwen2' | 'qwen3' | 'gemma3' | 'phi3' | 'smollm3';

export interface ArchShape {
  name: string;
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  ffnDim: number;
  vocab: number;
  /** context_length (HF max_position_embeddings). */
  context: number;
  /** rope.freq_base (gemma3: the global layers'). Default: the family's usual base. */
  ropeBase?: number;
  /** phi3: rope.dimension_count, the rotated dims of each head (partial rotary). Default headDim. */
  ropeDim?: number;
  /** gemma3: attention.sliding_window, the keys a local layer's query sees (itself included). */
  slidingWindow?: number;
  /** gemma3: rope.freq_base_swa, the local layers' base (llama.cpp's default when absent: 10000). */
  swaRopeBase?: number;
  /** phi3: LongRoPE factor tensors and the original context; the long factors apply when llama.cpp's
   *  context (its n_ctx, padded up to a multiple of 256) exceeds originalContext. */
  longRope?: { originalContext: number };
  /** smollm3: YaRN scaling as the converter writes it. */
  yarn?: { factor: number; originalContext: number };
  /** No output.weight: the head is token_embd (tied embeddings). */
  tied?: boolean;
}

type Extra = Omit<ArchShape, 'name' | 'dim' | 'layers' | 'heads' | 'kvHeads' | 'headDim' | 'ffnDim' | 'vocab' | 'context'>;

/** A shape from [dim, layers, heads, kvHeads, headDim, ffnDim, vocab, context] and its family extras. */
function tiny(name: string, [dim, layers, heads, kvHeads, headDim, ffnDim, vocab, context]: number[], extra: Extra = {}): ArchShape {
  return { name, dim, layers, heads, kvHeads, headDim, ffnDim, vocab, context, ...extra };
}

/** Several tiny shapes per family: GQA and MHA, odd head counts, head dims 64 / 128 / 256. */
export const ARCH_SHAPES: Record<ArchName, ArchShape[]> = {
  // [dim, layers, heads, kvHeads, headDim, ffnDim, vocab, context]
  llama: [
    tiny('llama-3h-gqa', [192, 2, 3, 1, 64, 384, 320, 512]),
    tiny('llama-hd128', [256, 2, 2, 2, 128, 512, 384, 1024], { tied: true }),
  ],
  mistral: [tiny('mistral-5h-gqa', [320, 2, 5, 1, 64, 640, 320, 1024], { ropeBase: 1e6 })],
  qwen2: [
    tiny('qwen2-3h-gqa', [192, 2, 3, 1, 64, 448, 320, 1024], { ropeBase: 1e6 }),
    tiny('qwen2-hd128-tied', [256, 3, 2, 1, 128, 512, 384, 1024], { ropeBase: 1e6, tied: true }),
  ],
  qwen3: [
    // q width heads·headDim = 256 ≠ dim, as in the real Qwen3 models.
    tiny('qwen3-4h-wide-q', [128, 3, 4, 2, 64, 384, 320, 1024], { ropeBase: 1e6, tied: true }),
    tiny('qwen3-hd128-3h', [256, 2, 3, 1, 128, 512, 384, 1024], { ropeBase: 1e6 }),
  ],
  gemma3: [
    // Layers 0–4 local, 5 global.
    tiny('gemma3-hd256', [256, 6, 2, 1, 256, 512, 320, 1024], { ropeBase: 1e6, slidingWindow: 8, swaRopeBase: 1e4, tied: true }),
    // Layers 0–4 and 6 local, 5 global.
    tiny('gemma3-hd64-5h', [192, 7, 5, 1, 64, 384, 384, 1024], { ropeBase: 1e6, slidingWindow: 6, swaRopeBase: 1e4, tied: true }),
  ],
  phi3: [
    tiny('phi3-partial-rope', [192, 2, 3, 3, 64, 384, 320, 1024], { ropeDim: 32 }),
    tiny('phi3-longrope', [256, 2, 4, 2, 64, 512, 320, 4096], { ropeDim: 48, longRope: { originalContext: 64 } }),
  ],
  smollm3: [
    // Layer 3 has no RoPE.
    tiny('smollm3-nope', [192, 4, 3, 1, 64, 384, 320, 1024], { ropeBase: 5e6, tied: true }),
    tiny('smollm3-yarn', [256, 5, 2, 1, 128, 512, 384, 4096], { ropeBase: 1e5, yarn: { factor: 4, originalContext: 1024 } }),
  ],
};

/** The architecture name the file carries: mistral files are `llama` files. */
export function ggufArchOf(arch: ArchName): string {
  return arch === 'mistral' ? 'llama' : arch;
}

const DEFAULT_BASE: Record<ArchName, number> = { llama: 1e4, mistral: 1e6, qwen2: 1e6, qwen3: 1e6, gemma3: 1e6, phi3: 1e4, smollm3: 5e6 };
const RMS_EPS: Record<ArchName, number> = { llama: 1e-5, mistral: 1e-5, qwen2: 1e-6, qwen3: 1e-6, gemma3: 1e-6, phi3: 1e-5, smollm3: 1e-6 };

export interface WriteArchModelOptions {
  seed?: number;
  /** Directory for the file; a fresh temp dir otherwise. */
  dir?: string;
  /** Metadata to set (a full key, e.g. 'gemma3.attention.sliding_window'), or null to leave a key out. */
  metadata?: Record<string, GGUFTypedValue | null>;
  /** Rewrites a tensor's values in place after they are drawn (e.g. zero a bias). Such files are not cached. */
  transform?: (name: string, values: Float32Array) => void;
}

const cache = new Map<string, Promise<string>>();

/** Writes the F32 GGUF of `arch` at `shape` and returns its path; cached per (arch, shape, seed, metadata). */
export function writeArchModel(arch: ArchName, s: ArchShape, options: WriteArchModelOptions = {}): Promise<string> {
  const key = JSON.stringify([arch, s, options.seed ?? 1, options.dir ?? '', options.metadata ?? {}]);
  if (options.transform) return Promise.resolve(writeNow(arch, s, options));
  let path = cache.get(key);
  if (!path) {
    path = Promise.resolve().then(() => writeNow(arch, s, options));
    cache.set(key, path);
  }
  return path;
}

function writeNow(arch: ArchName, s: ArchShape, options: WriteArchModelOptions): string {
  const seed = options.seed ?? 1;
  const entries = new Map([...archMetadata(arch, s), ...vocabMetadata(s.vocab)]);
  for (const [k, v] of Object.entries(options.metadata ?? {})) {
    if (v === null) entries.delete(k);
    else entries.set(k, v);
  }
  const tensors = archTensors(arch, s).map(([name, dims, init]): GGUFTensorToWrite => {
    const random = gaussian(tensorSeed(seed, name));
    const values = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = init(random);
    options.transform?.(name, values);
    return { name, dims, type: GGMLType.F32, data: new Uint8Array(values.buffer) };
  });
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'rope-lab-arch-'));
  const path = join(dir, `${s.name}-seed${seed}${options.transform ? `-${Date.now()}-${Math.random().toString(36).slice(2)}` : ''}.gguf`);
  writeFileSync(path, writeGGUF(entries, tensors));
  return path;
}

function archMetadata(arch: ArchName, s: ArchShape): Map<string, GGUFTypedValue> {
  const a = ggufArchOf(arch);
  const m = new Map<string, GGUFTypedValue>([
    ['general.architecture', meta.str(a)],
    ['general.name', meta.str(s.name)],
    ['general.file_type', meta.u32(0)],
    [`${a}.context_length`, meta.u32(s.context)],
    [`${a}.embedding_length`, meta.u32(s.dim)],
    [`${a}.feed_forward_length`, meta.u32(s.ffnDim)],
    [`${a}.block_count`, meta.u32(s.layers)],
    [`${a}.attention.head_count`, meta.u32(s.heads)],
    [`${a}.attention.head_count_kv`, meta.u32(s.kvHeads)],
    [`${a}.attention.layer_norm_rms_epsilon`, meta.f32(RMS_EPS[arch])],
    [`${a}.rope.freq_base`, meta.f32(s.ropeBase ?? DEFAULT_BASE[arch])],
  ]);
  if (s.heads * s.headDim !== s.dim || arch === 'gemma3' || arch === 'qwen3') {
    m.set(`${a}.attention.key_length`, meta.u32(s.headDim));
    m.set(`${a}.attention.value_length`, meta.u32(s.headDim));
  }
  if (a === 'llama' || a === 'smollm3') {
    // The Llama converter (SmolLM3's too) writes these two.
    m.set(`${a}.vocab_size`, meta.u32(s.vocab));
    m.set(`${a}.rope.dimension_count`, meta.u32(s.headDim));
  }
  if (arch === 'gemma3') {
    if (s.slidingWindow === undefined) throw new Error(`${s.name}: gemma3 needs a sliding window`);
    m.set('gemma3.attention.sliding_window', meta.u32(s.slidingWindow));
    if (s.swaRopeBase !== undefined) m.set('gemma3.rope.freq_base_swa', meta.f32(s.swaRopeBase));
  }
  if (arch === 'phi3') {
    m.set('phi3.rope.dimension_count', meta.u32(s.ropeDim ?? s.headDim));
    m.set('phi3.attention.sliding_window', meta.u32(0));
    m.set('phi3.rope.scaling.original_context_length', meta.u32(s.longRope?.originalContext ?? s.context));
    if (s.longRope) {
      const scale = s.context / s.longRope.originalContext;
      m.set('phi3.rope.scaling.type', meta.str('longrope'));
      m.set('phi3.rope.scaling.attn_factor', meta.f32(Math.sqrt(1 + Math.log(scale) / Math.log(s.longRope.originalContext))));
    }
  }
  if (s.yarn) {
    m.set(`${a}.rope.scaling.type`, meta.str('yarn'));
    m.set(`${a}.rope.scaling.factor`, meta.f32(s.yarn.factor));
    m.set(`${a}.rope.scaling.original_context_length`, meta.u32(s.yarn.originalContext));
  }
  return m;
}

type Init = (random: () => number) => number;
const normal =
  (std: number): Init =>
  (random) =>
    std * random();
const norm: Init = (random) => 1 + 0.1 * random();
const linear = (fanIn: number): Init => normal(1 / Math.sqrt(fanIn));
const BIAS = normal(0.5);

/** [name, ggml dims (dims[0] = row length = fan-in), init] in the order the converter writes them. */
function archTensors(arch: ArchName, s: ArchShape): [string, number[], Init][] {
  const q = s.heads * s.headDim;
  const kv = s.kvHeads * s.headDim;
  // A tied head reads token_embd too: 1/sqrt(dim) keeps its logits O(1) (gemma3's sqrt(dim) input scale
  // then makes its embeddings O(1)).
  const out: [string, number[], Init][] = [['token_embd.weight', [s.dim, s.vocab], s.tied ? linear(s.dim) : normal(1)]];
  if (s.longRope) {
    const half = (s.ropeDim ?? s.headDim) / 2;
    // LongRoPE factors grow with the dimension index; long ones more than short ones.
    out.push(['rope_factors_long.weight', [half], rampFactor(half, 1, 8)]);
    out.push(['rope_factors_short.weight', [half], rampFactor(half, 1, 1.5)]);
  }
  for (let i = 0; i < s.layers; i++) {
    const b = `blk.${i}.`;
    out.push([`${b}attn_norm.weight`, [s.dim], norm]);
    if (arch === 'phi3') {
      out.push([`${b}attn_qkv.weight`, [s.dim, q + 2 * kv], linear(s.dim)]);
    } else {
      out.push([`${b}attn_q.weight`, [s.dim, q], linear(s.dim)]);
      out.push([`${b}attn_k.weight`, [s.dim, kv], linear(s.dim)]);
      out.push([`${b}attn_v.weight`, [s.dim, kv], linear(s.dim)]);
    }
    if (arch === 'qwen2') {
      out.push([`${b}attn_q.bias`, [q], BIAS], [`${b}attn_k.bias`, [kv], BIAS], [`${b}attn_v.bias`, [kv], BIAS]);
    }
    if (arch === 'qwen3' || arch === 'gemma3') {
      out.push([`${b}attn_q_norm.weight`, [s.headDim], norm], [`${b}attn_k_norm.weight`, [s.headDim], norm]);
    }
    out.push([`${b}attn_output.weight`, [q, s.dim], linear(q)]);
    if (arch === 'gemma3') out.push([`${b}post_attention_norm.weight`, [s.dim], norm]);
    out.push([`${b}ffn_norm.weight`, [s.dim], norm]);
    if (arch === 'phi3') {
      out.push([`${b}ffn_up.weight`, [s.dim, 2 * s.ffnDim], linear(s.dim)]);
    } else {
      out.push([`${b}ffn_gate.weight`, [s.dim, s.ffnDim], linear(s.dim)]);
      out.push([`${b}ffn_up.weight`, [s.dim, s.ffnDim], linear(s.dim)]);
    }
    out.push([`${b}ffn_down.weight`, [s.ffnDim, s.dim], linear(s.ffnDim)]);
    if (arch === 'gemma3') out.push([`${b}post_ffw_norm.weight`, [s.dim], norm]);
  }
  out.push(['output_norm.weight', [s.dim], norm]);
  if (!s.tied) out.push(['output.weight', [s.dim, s.vocab], linear(s.dim)]);
  return out;
}

/** Factors from `from` to `to` over the `n` frequency pairs, in order, with a little noise. */
function rampFactor(n: number, from: number, to: number): Init {
  let i = 0;
  return (random) => {
    const t = n === 1 ? 1 : i++ / (n - 1);
    return from + (to - from) * t * (1 + 0.05 * Math.abs(random()));
  };
}

/**
 * A SentencePiece ('llama') vocabulary of `size` tokens that llama.cpp loads: <unk> <s> </s>, the 256
 * byte tokens, filler pieces, and <|endoftext|> last. The tests feed token ids, so the pieces only need to be distinct.
 */
function vocabMetadata(size: number): Map<string, GGUFTypedValue> {
  if (size < 260) throw new Error(`a vocabulary needs at least 260 tokens (specials and bytes), asked ${size}`);
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [2, 3, 3];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6);
  }
  for (let i = tokens.length; i < size - 1; i++) {
    tokens.push(`\u2581t${i}`);
    types.push(1);
  }
  // llama.cpp looks this one up in any model whose general.name mentions phi3.
  tokens.push('<|endoftext|>');
  types.push(3);
  return new Map<string, GGUFTypedValue>([
    ['tokenizer.ggml.model', meta.str('llama')],
    ['tokenizer.ggml.tokens', meta.array(GGUFValueType.STRING, tokens)],
    [
      'tokenizer.ggml.scores',
      meta.array(
        GGUFValueType.FLOAT32,
        tokens.map((_, i) => -i),
      ),
    ],
    ['tokenizer.ggml.token_type', meta.array(GGUFValueType.INT32, types)],
    ['tokenizer.ggml.bos_token_id', meta.u32(1)],
    ['tokenizer.ggml.eos_token_id', meta.u32(2)],
    ['tokenizer.ggml.unknown_token_id', meta.u32(0)],
    ['tokenizer.ggml.add_bos_token', meta.bool(false)],
  ]);
}

/**
 * Each tensor draws from its own stream, seeded by (seed, name): files of two families at one shape
 * share every tensor they both have, so a test can tell one family's computation from another's.
 */
function tensorSeed(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return h >>> 0;
}

/** Seeded standard normal draws: mulberry32 and Box–Muller. */
function gaussian(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = 1 - uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}
