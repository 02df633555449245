// Which frequencies the model uses: per layer and head, the mean norm of q and of k in each rotary pair
// (2i, 2i+1), taken after the projections and before the rotation (the rotation keeps a pair's norm up to
// yarn's attention factor, so this measures what the weights put into each wavelength). A pair whose q
// and k norms are both large carries the head's attention; plotted against the pair's wavelength
// it shows whether a head leans on short or long wavelengths, and where an override moves them.

import type { QkPairNorms } from '../engine/probe-hooks.ts';

export { emptyQkPairNorms, type QkPairNorms } from '../engine/probe-hooks.ts';

/** Adds ‖pair‖ of every head of `vec` (heads, headDim) into `sums` at layer `layer` (not yet divided). */
export function addPairNorms(sums: Float32Array, vec: ArrayLike<number>, layer: number, heads: number, headDim: number): void {
  const pairs = headDim / 2;
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < pairs; i++) {
      const a = vec[h * headDim + 2 * i];
      const b = vec[h * headDim + 2 * i + 1];
      sums[(layer * heads + h) * pairs + i] += Math.hypot(a, b);
    }
  }
}

/**
 * The pair's share of a query head's attention logits, as far as norms tell: mean ‖q_i‖ · mean ‖k_i‖ of
 * its KV head, per pair, normalised to sum to 1 over pairs. Pairs: (pairs).
 */
export function pairContribution(norms: QkPairNorms, layer: number, head: number): number[] {
  const kvHead = Math.floor(head / (norms.heads / norms.kvHeads));
  const out: number[] = [];
  for (let i = 0; i < norms.pairs; i++) {
    out.push(norms.q[(layer * norms.heads + head) * norms.pairs + i] * norms.k[(layer * norms.kvHeads + kvHead) * norms.pairs + i]);
  }
  const total = out.reduce((s, x) => s + x, 0);
  return out.map((x) => (total > 0 ? x / total : NaN));
}
