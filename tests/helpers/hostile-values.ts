// Hostile plain values for the tests of code that takes untrusted JSON or structured clones.

/**
 * One array referenced `width` times per level, `depth` levels deep: a few objects to send, but a walk
 * that does not remember what it has seen visits width^depth leaves.
 */
export function aliasedArrayTree(width: number, depth: number): unknown[] {
  let level: unknown[] = [1];
  for (let d = 0; d < depth; d++) level = new Array(width).fill(level);
  return level;
}
