// Seeded randomness for the probes: every passkey, depth and trial is reproducible from the seed stored in
// the result (and the URL). mulberry32 is a 32-bit generator with a full 2^32 period, small enough to
// port anywhere that wants to regenerate the same prompts.

/** A function returning uniform floats in [0, 1), deterministic in `seed` (any 32-bit integer). */
export function mulberry32(seed: number): () => number {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [min, max] (both inclusive) from `random`. */
export function randomInt(random: () => number, min: number, max: number): number {
  if (!Number.isInteger(min) || !Number.isInteger(max) || max < min)
    throw new RangeError(`randomInt needs integers min ≤ max, got ${min}, ${max}`);
  return min + Math.floor(random() * (max - min + 1));
}
