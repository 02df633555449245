// The reference ops the new families brought, checked by identities rather than numbers: NEOX rotation is
// the adjacent one on the permuted head (llama.cpp's converter permutes Llama's q/k exactly so), partial
// rotary leaves the tail alone, a sliding window is attention over the window alone, and per-head RMSNorm
// is RMSNorm of each head.
import { describe, expect, it } from 'vitest';
import { applyRope, attention, rmsnorm, rmsnormHeads } from '../../src/engine/reference.ts';

function random(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** The head's dims reordered so NEOX pair (i, i + r/2) sits at (2i, 2i+1); dims past r stay. */
function interleave(vec: Float32Array, heads: number, headDim: number, rotated: number): Float32Array {
  const out = vec.slice();
  for (let h = 0; h < heads; h++)
    for (let i = 0; i < rotated / 2; i++) {
      out[h * headDim + 2 * i] = vec[h * headDim + i];
      out[h * headDim + 2 * i + 1] = vec[h * headDim + i + rotated / 2];
    }
  return out;
}

describe('reference ops of the new families', () => {
  it('NEOX rotation equals the adjacent rotation of the interleaved head, partial rotary included', () => {
    const [heads, headDim, rotated] = [3, 16, 12];
    const invFreq = Array.from({ length: rotated / 2 }, (_, i) => 10_000 ** (-(2 * i) / rotated));
    const x = random(heads * headDim, 7);
    const neox = x.slice();
    applyRope(neox, heads, headDim, 37, invFreq, 1.25, 'neox');
    const adjacent = interleave(x, heads, headDim, rotated);
    applyRope(adjacent, heads, headDim, 37, invFreq, 1.25, 'adjacent');
    expect(Array.from(interleave(neox, heads, headDim, rotated))).toEqual(Array.from(adjacent));
    for (let h = 0; h < heads; h++)
      expect(Array.from(neox.subarray(h * headDim + rotated, (h + 1) * headDim))).toEqual(
        Array.from(x.subarray(h * headDim + rotated, (h + 1) * headDim)),
      );
  });

  it('a sliding window of w is attention over the last w cached positions alone', () => {
    const [heads, kvHeads, headDim, context, pos, window] = [4, 2, 8, 32, 20, 6];
    const q = random(heads * headDim, 1);
    const k = random(kvHeads * context * headDim, 2);
    const v = random(kvHeads * context * headDim, 3);
    const windowed = new Float32Array(heads * headDim);
    attention(windowed, q, k, v, heads, kvHeads, headDim, context, pos, 0.3, window);
    // The same keys moved to positions 0 … w − 1 of a cache of w, attended in full.
    const start = pos - window + 1;
    const kw = new Float32Array(kvHeads * window * headDim);
    const vw = new Float32Array(kvHeads * window * headDim);
    for (let h = 0; h < kvHeads; h++) {
      kw.set(k.subarray((h * context + start) * headDim, (h * context + pos + 1) * headDim), h * window * headDim);
      vw.set(v.subarray((h * context + start) * headDim, (h * context + pos + 1) * headDim), h * window * headDim);
    }
    const full = new Float32Array(heads * headDim);
    attention(full, q, kw, vw, heads, kvHeads, headDim, window, window - 1, 0.3);
    expect(Array.from(windowed)).toEqual(Array.from(full));
    // A window wider than the positions so far is full causal attention.
    const wide = new Float32Array(heads * headDim);
    const causal = new Float32Array(heads * headDim);
    attention(wide, q, k, v, heads, kvHeads, headDim, context, pos, 0.3, 1000);
    attention(causal, q, k, v, heads, kvHeads, headDim, context, pos, 0.3);
    expect(Array.from(wide)).toEqual(Array.from(causal));
  });

  it('per-head RMSNorm is RMSNorm of each head by the shared weight', () => {
    const [heads, headDim] = [3, 8];
    const x = random(heads * headDim, 5);
    const w = random(headDim, 6);
    const byHead = x.slice();
    rmsnormHeads(byHead, heads, w, 1e-6);
    for (let h = 0; h < heads; h++) {
      const one = new Float32Array(headDim);
      rmsnorm(one, x.subarray(h * headDim, (h + 1) * headDim), w, 1e-6);
      expect(Array.from(byHead.subarray(h * headDim, (h + 1) * headDim))).toEqual(Array.from(one));
    }
  });
});
