// The CPU oracle of the GPU's f16 KV cache. Rounding to half is discontinuous: a key the GPU and the CPU
// compute a few f32 ulps apart rounds to neighbouring halves when it lies that close to a tie, and that
// one f16 ulp (1e-3 relative) then spreads through the later positions and layers — plain f16 emulation
// ends up 1e-4 away from the GPU's logits (measured on stories260K), too far to tell a bug from rounding.
// So the reference rounds every key and value to the nearest half itself, and takes the GPU's half
// instead only where that half is the rounding of some value within TIE_SLACK × the largest |value| of
// the position's k (or v) of its own (f32 noise scales with the projection's terms, not with the entry:
// a small entry is a sum of larger terms, and RoPE mixes each pair) — near a tie, or for entries so
// small that f32 noise spans halves. Every other value must equal the GPU's bit for bit. With both sides
// rounding alike, the logits then meet the f32 tolerance.
import type { KvStore } from '../../src/engine/reference.ts';
import type { WebGpuEngine } from '../../src/engine/webgpu-engine.ts';
import { f16ToF32, f32ToF16 } from '../../src/gguf/index.ts';

/**
 * How far, relative to the position's max |k| (or |v|), the GPU's f32 value may lie from the reference's
 * before rounding (f16's ulp is 2⁻¹⁰ relative): the largest gap seen was 1.3e-5 (200 positions of the
 * attention-statistics pass), about a twentieth of an ulp.
 */
export const TIE_SLACK = 3e-5;

const half = (x: number) => f16ToF32(f32ToF16(x));

export interface TieAwareStore {
  store: KvStore;
  /** Values rounded so far; those where the reference took the GPU's half (within the slack); those that differ beyond it. */
  counts: { values: number; gpuSideOfTie: number; mismatched: number };
  /** The first mismatches, for the failure message. */
  mismatches: string[];
}

/** A KvStore for ReferenceModel / traceReference reading the engine's caches as the last GPU pass left them. */
export async function tieAwareF16Store(engine: WebGpuEngine): Promise<TieAwareStore> {
  const info = (await engine.info())!;
  if (info.kvCache.dtype !== 'f16') throw new Error(`the engine's cache is ${info.kvCache.dtype}, not f16`);
  const caches = await Promise.all(Array.from({ length: info.layers }, (_, l) => engine.kvCache(l)));
  const counts = { values: 0, gpuSideOfTie: 0, mismatched: 0 };
  const mismatches: string[] = [];
  const roundLike = (values: Float32Array, gpu: Float32Array, layer: number, pos: number, which: string) => {
    const slack = TIE_SLACK * Math.max(...values.map(Math.abs));
    for (let i = 0; i < values.length; i++) {
      const head = Math.floor(i / info.headDim);
      const theirs = gpu[(head * info.context + pos) * info.headDim + (i % info.headDim)];
      const x = values[i];
      const ours = half(x);
      counts.values++;
      if (Object.is(ours, theirs)) values[i] = ours;
      else if (half(x - slack) <= theirs && theirs <= half(x + slack)) {
        // RNE is monotonic: theirs rounds some value within slack of x
        counts.gpuSideOfTie++;
        values[i] = theirs;
      } else {
        counts.mismatched++;
        if (mismatches.length < 5)
          mismatches.push(`layer ${layer} position ${pos} ${which}[${i}]: ${x} rounds to ${ours}, the GPU holds ${theirs}`);
        values[i] = ours;
      }
    }
  };
  return {
    counts,
    mismatches,
    store: (layer, pos, k, v) => {
      roundLike(k, caches[layer].k, layer, pos, 'k');
      roundLike(v, caches[layer].v, layer, pos, 'v');
    },
  };
}
