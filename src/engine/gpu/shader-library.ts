// WGSL sources, and how a kernel file is composed with the pieces it needs.
//
// The engine never imports .wgsl itself: a ShaderLibrary (file name → text) is handed to it, so the same
// engine code runs in Vite (shaders-vite.ts, import.meta.glob ?raw, also used by Vitest) and in Node
// under tsx, which cannot import ?raw (shaders-node.ts, reads shaders/ with fs).
import { GGMLType, ggmlTypeName } from '../../gguf/index.ts';
import type { KvCacheType } from '../types.ts';

/** 'matmul.wgsl', 'quant/q8_0.wgsl', … → WGSL text. */
export type ShaderLibrary = Readonly<Record<string, string>>;

/**
 * The per-step values every kernel reads (the batch's size and first position, and so on): one uniform
 * struct, written once per forward pass, declared to WGSL from this list so TS and WGSL cannot drift.
 */
export const STEP_FIELDS = ['n_tokens', 'pos0', 'sample_row', 'out_offset', 'attn_chunk'] as const;
export type StepValues = Record<(typeof STEP_FIELDS)[number], number>;
/** The uniform buffer's size: the fields, rounded up to 16 bytes. */
export const STEP_BYTES = Math.ceil((STEP_FIELDS.length * 4) / 16) * 16;
const STEP_WGSL = `struct Step {\n${STEP_FIELDS.map((f) => `  ${f}: u32,`).join('\n')}\n}\n`;

export function packStep(v: StepValues): Uint32Array {
  const words = new Uint32Array(STEP_BYTES / 4);
  STEP_FIELDS.forEach((f, i) => (words[i] = v[f]));
  return words;
}

/** The dequantization library of each weight type the GPU kernels read directly (after quant/common.wgsl). */
const QUANT_FILES = new Map<GGMLType, readonly string[]>([
  [GGMLType.F32, ['quant/f32.wgsl', 'quant/blocked.wgsl']],
  [GGMLType.F16, ['quant/f16.wgsl', 'quant/blocked.wgsl']],
  [GGMLType.Q8_0, ['quant/i8x4.wgsl', 'quant/q8_0.wgsl']], // split rows: its own dequant_row8
  [GGMLType.Q4_0, ['quant/q4_0.wgsl']],
  [GGMLType.Q4_1, ['quant/q4_1.wgsl', 'quant/blocked.wgsl']],
  [GGMLType.Q5_0, ['quant/q5_0.wgsl', 'quant/blocked.wgsl']],
  [GGMLType.Q4_K, ['quant/k_scales.wgsl', 'quant/q4_k.wgsl', 'quant/blocked.wgsl']],
  [GGMLType.Q5_K, ['quant/k_scales.wgsl', 'quant/q5_k.wgsl', 'quant/blocked.wgsl']],
  [GGMLType.Q6_K, ['quant/q6_k.wgsl', 'quant/blocked.wgsl']],
]);

/**
 * matvec_vec4.wgsl's dot32 (a 32-value group of a row against x) for the types whose groups are whole
 * 16-byte words; the kernel is composed with this INSTEAD of the quant library (it reads weights as vec4s).
 */
const DOT32_FILES = new Map<GGMLType, readonly string[]>([
  [GGMLType.F32, ['quant/x32.wgsl', 'quant/dot32_f32.wgsl']],
  [GGMLType.F16, ['quant/x32.wgsl', 'quant/dot32_f16.wgsl']],
  [GGMLType.Q8_0, ['quant/x32.wgsl', 'quant/i8x4.wgsl', 'quant/dot32_q8_0.wgsl']],
  [GGMLType.Q4_0, ['quant/x32.wgsl', 'quant/dot32_q4_0.wgsl']],
]);

/** Whether matvec_vec4.wgsl reads this weight type. */
export const hasVec4Matvec = (type: GGMLType): boolean => DOT32_FILES.has(type);

/** matvec_int8.wgsl's dotq (a group of a row against int8 x) per weight type, composed as DOT32_FILES are. */
const DOTQ_FILES = new Map<GGMLType, readonly string[]>([
  [GGMLType.Q4_0, ['quant/x32.wgsl', 'quant/xq.wgsl', 'quant/dotq_q4_0.wgsl']],
  [GGMLType.Q8_0, ['quant/x32.wgsl', 'quant/xq.wgsl', 'quant/dotq_q8_0.wgsl']],
]);

/** Whether matvec_int8.wgsl reads this weight type. */
export const hasInt8Matvec = (type: GGMLType): boolean => DOTQ_FILES.has(type);
/** The decode matvec kernels: composed with a dot library per weight type instead of the quant library. */
const DOT_LIBRARIES: Readonly<Record<string, ReadonlyMap<GGMLType, readonly string[]>>> = {
  'matvec_vec4.wgsl': DOT32_FILES,
  'matvec_int8.wgsl': DOTQ_FILES,
};

function source(lib: ShaderLibrary, file: string): string {
  const text = lib[file];
  if (text === undefined) throw new Error(`shader ${file} is missing from the shader library`);
  return text;
}

/** WGSL pieces a kernel file uses but does not contain (WGSL has no imports), prepended when composing. */
const KERNEL_LIBRARIES: Readonly<Record<string, readonly string[]>> = {
  'attention_stats.wgsl': ['lib/stats_layer.wgsl', 'lib/row_score.wgsl'],
  'attention_stats_reduce.wgsl': ['lib/stats_layer.wgsl'],
  'attention_map.wgsl': ['lib/row_score.wgsl', 'lib/row_softmax.wgsl'],
  'matvec_vec4.wgsl': ['lib/matvec_rows.wgsl'],
  'matvec_int8.wgsl': ['lib/matvec_rows.wgsl'],
};

/** Kernels that read or write the KV cache: each is composed with the cache layout's KvPair/KvQuad library. */
const KV_CACHE_KERNELS: ReadonlySet<string> = new Set([
  'rope_store.wgsl',
  'attention.wgsl',
  'attention_prefill.wgsl',
  'attention_prefill_tiled.wgsl',
  'attention_stats.wgsl',
  'attention_map.wgsl',
]);
const KV_CACHE_FILES: Readonly<Record<KvCacheType, string>> = { f32: 'lib/kv_f32.wgsl', f16: 'lib/kv_f16.wgsl' };

/** What a kernel file is composed for: the weight type it dequantizes, the KV cache layout it reads. */
export interface KernelVariant {
  weightType?: GGMLType;
  kvCache?: KvCacheType;
}

export const readsKvCache = (kernel: string): boolean => KV_CACHE_KERNELS.has(kernel);

/**
 * A kernel's full WGSL: the Step struct, then (for weight-reading kernels) a quant library, (for cache
 * kernels) the KV layout library, its own libraries, then the kernel.
 */
export function composeKernel(lib: ShaderLibrary, kernel: string, variant: KernelVariant = {}): string {
  const { weightType, kvCache } = variant;
  const parts = [STEP_WGSL];
  const dotLibrary = DOT_LIBRARIES[kernel];
  if (weightType !== undefined && dotLibrary) {
    const dot = dotLibrary.get(weightType);
    if (!dot) throw new Error(`${kernel} does not read ${ggmlTypeName(weightType)} weights`);
    parts.push(...dot.map((file) => source(lib, file)));
  } else if (weightType !== undefined) {
    const quant = QUANT_FILES.get(weightType);
    if (!quant) throw new Error(`no GPU kernel reads ${ggmlTypeName(weightType)} weights`);
    parts.push(source(lib, 'quant/common.wgsl'), ...quant.map((file) => source(lib, file)));
  }
  if (readsKvCache(kernel)) {
    // no default: a cache kernel composed for the wrong layout would read garbage without an error
    if (!kvCache) throw new Error(`kernel ${kernel} reads the KV cache: its layout (f32 or f16) must be given`);
    parts.push(source(lib, KV_CACHE_FILES[kvCache]));
  }
  for (const file of KERNEL_LIBRARIES[kernel] ?? []) parts.push(source(lib, file));
  parts.push(source(lib, kernel));
  return parts.join('\n');
}
