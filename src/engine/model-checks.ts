// Cross-checks of a GGUF's metadata counts against the tensors the file actually holds, made before
// anything is built from those counts: one flipped bit in `block_count` must not make the loader plan
// half a billion layers, and a count smaller than the layers present must not drop layers silently.
// Each refusal is one line naming the key and what contradicts it.
import { GGUFError, type GGUFFile, type GGUFValue } from '../gguf/index.ts';

const LAYER_TENSOR = /^blk\.(\d{1,9})\./;

/** The distinct layer indices of the file's `blk.<n>.*` tensors, ascending. */
export function layerIndices(file: GGUFFile): number[] {
  const seen = new Set<number>();
  for (const t of file.tensors) {
    const m = LAYER_TENSOR.exec(t.name);
    if (m) seen.add(Number(m[1]));
  }
  return [...seen].sort((a, b) => a - b);
}

/** `block_count` must be exactly the layers present, numbered 0 … n − 1. */
export function checkBlockCount(file: GGUFFile, key: string, blockCount: number): void {
  const present = layerIndices(file);
  const held =
    present.length === 0
      ? 'no layer tensors (blk.N.*)'
      : `tensors of ${present.length} layer${present.length === 1 ? '' : 's'} (blk.${present[0]} … blk.${present[present.length - 1]})`;
  if (blockCount > present.length) throw new GGUFError(`GGUF metadata ${key} is ${blockCount}, but the file holds ${held}`);
  const beyond = present.find((i) => i >= blockCount);
  if (beyond !== undefined)
    throw new GGUFError(`GGUF metadata ${key} is ${blockCount}, but the file holds ${held}; blk.${beyond} and above would be dropped`);
}

/** Throws unless `tensor` (when the file has it) has `expected` along ggml axis `axis` (0: row length, 1: rows). */
export function expectTensorDim(file: GGUFFile, claim: string, expected: number, tensor: string, axis: 0 | 1): void {
  const t = file.tensorsByName.get(tensor);
  if (!t) return; // a missing tensor is named by the shape check
  const actual = t.dims[axis] ?? 1;
  if (actual !== expected)
    throw new GGUFError(`GGUF metadata ${claim}, but ${tensor} has ${actual} ${axis === 0 ? 'values per row' : 'rows'}`);
}

/** A metadata number, or undefined when absent; anything but a finite number is refused naming the key. */
export function metaNumber(meta: Map<string, GGUFValue>, key: string): number | undefined {
  const v = meta.get(key);
  if (v === undefined) return undefined;
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new GGUFError(`GGUF metadata ${key} must be a number, got ${describe(v)}`);
  return n;
}

/** A positive integer at `key`, or `fallback` when absent. */
export function metaPositiveInt(meta: Map<string, GGUFValue>, key: string, fallback?: number): number {
  const n = metaNumber(meta, key) ?? fallback;
  if (n === undefined) throw new GGUFError(`GGUF metadata lacks ${key}`);
  if (!Number.isSafeInteger(n) || n <= 0) throw new GGUFError(`GGUF metadata ${key} must be a positive integer, got ${n}`);
  return n;
}

/** RMSNorm's ε: real models use 1e-6 … 1e-5; zero, negative or large values are a corrupted file. */
export const MAX_RMS_EPS = 0.01;

export function checkRmsEps(key: string, eps: number): void {
  if (!(eps > 0 && eps <= MAX_RMS_EPS))
    throw new GGUFError(`GGUF metadata ${key} is ${eps}; RMSNorm's epsilon must be in (0, ${MAX_RMS_EPS}]`);
}

/** `rope.dimension_count` rotates part or all of each head: a positive even count no larger than the head. */
export function checkRopeDims(key: string, ropeDims: number | undefined, headDim: number): void {
  if (ropeDims === undefined) return;
  if (!Number.isInteger(ropeDims) || ropeDims <= 0 || ropeDims % 2 !== 0)
    throw new GGUFError(`GGUF metadata ${key} is ${ropeDims}; RoPE rotates pairs, so it must be a positive even integer`);
  if (ropeDims > headDim) throw new GGUFError(`GGUF metadata ${key} is ${ropeDims}, more than the head dimension ${headDim}`);
}

/** A value for a one-line message: short, no line breaks. */
function describe(v: GGUFValue): string {
  const s = Array.isArray(v) ? `an array of ${v.length}` : typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : String(v);
  return s.replace(/[\r\n\u2028\u2029]/g, ' ');
}
