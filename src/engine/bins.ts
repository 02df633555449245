// Log-spaced bins over token positions (loss by position, attention by query position) and over
// relative distances (attention mass by distance). Positions bin with `logBinEdges`; distances use the
// fixed power-of-two buckets of `distanceBucket`, which the GPU kernel computes with one countLeadingZeros.

/**
 * Integer bin edges from `start` to `end`, log-spaced with `binsPerOctave` bins per doubling:
 * start, then every distinct ⌈2^(k/binsPerOctave)⌉ strictly between start and end, then end.
 * Bin i is [edges[i], edges[i+1]). Example: logBinEdges(0, 10) = [0, 1, 2, 4, 8, 10];
 * logBinEdges(1, 9, 2) = [1, 2, 3, 4, 6, 8, 9].
 */
export function logBinEdges(start: number, end: number, binsPerOctave = 1): number[] {
  if (!Number.isInteger(start) || start < 0) throw new RangeError(`bin start must be a non-negative integer, got ${start}`);
  if (!Number.isInteger(end) || end <= start) throw new RangeError(`bin end must be an integer above the start ${start}, got ${end}`);
  if (!Number.isInteger(binsPerOctave) || binsPerOctave < 1)
    throw new RangeError(`binsPerOctave must be a positive integer, got ${binsPerOctave}`);
  const edges = [start];
  for (let k = 0; ; k++) {
    const edge = Math.ceil(2 ** (k / binsPerOctave) - 1e-9); // 1e-9: 2^(k/n) for k a multiple of n is exact, others are not integers
    if (edge >= end) break;
    if (edge > edges[edges.length - 1]) edges.push(edge);
  }
  edges.push(end);
  return edges;
}

/** Index of the bin of `edges` holding `value`, or −1 outside [edges[0], edges[last]). */
export function binIndex(edges: readonly number[], value: number): number {
  if (value < edges[0] || value >= edges[edges.length - 1]) return -1;
  let lo = 0;
  let hi = edges.length - 1; // invariant: edges[lo] ≤ value < edges[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] <= value) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Bucket of a relative distance d = query position − key position ≥ 0: bucket 0 holds d = 0 (a token
 * attending to itself) and bucket b ≥ 1 holds 2^(b−1) ≤ d < 2^b, so 1 | 2–3 | 4–7 | 8–15 | …
 * It is the bit length of d: 32 − clz32(d), the same expression as WGSL's 32u − countLeadingZeros(d).
 */
export function distanceBucket(distance: number): number {
  if (!Number.isInteger(distance) || distance < 0) throw new RangeError(`a distance must be a non-negative integer, got ${distance}`);
  return 32 - Math.clz32(distance);
}

/** Buckets needed for every distance of a context of `tokens` positions (largest distance tokens − 1). */
export function distanceBucketCount(tokens: number): number {
  if (!Number.isInteger(tokens) || tokens < 1) throw new RangeError(`tokens must be a positive integer, got ${tokens}`);
  return distanceBucket(tokens - 1) + 1;
}

/** The distances [lo, hi) bucket `b` covers. */
export function distanceBucketRange(bucket: number): [number, number] {
  if (!Number.isInteger(bucket) || bucket < 0 || bucket > 31) throw new RangeError(`bucket must be an integer in [0, 31], got ${bucket}`);
  return bucket === 0 ? [0, 1] : [2 ** (bucket - 1), 2 ** bucket];
}

export interface BinnedMean {
  edges: number[];
  /** Mean of the values in each bin (NaN for an empty bin). */
  mean: number[];
  /** Values in each bin. */
  count: number[];
}

/**
 * Mean per bin of values at positions. `sums[p]` and `counts[p]` are the total and the number of values
 * at position p (e.g. summed over documents), so a bin's mean weighs every (document, position) equally.
 */
export function binMeans(sums: ArrayLike<number>, counts: ArrayLike<number>, edges: readonly number[]): BinnedMean {
  if (sums.length !== counts.length) throw new RangeError(`sums (${sums.length}) and counts (${counts.length}) differ in length`);
  const bins = edges.length - 1;
  const total = new Array<number>(bins).fill(0);
  const count = new Array<number>(bins).fill(0);
  for (let b = 0; b < bins; b++) {
    for (let p = edges[b]; p < Math.min(edges[b + 1], sums.length); p++) {
      total[b] += sums[p];
      count[b] += counts[p];
    }
  }
  return { edges: [...edges], mean: total.map((t, b) => (count[b] > 0 ? t / count[b] : NaN)), count };
}
