// Per-configuration memo of the analytics the views draw. Configs are keyed by their JSON, so editing
// one series recomputes only that series, and dragging back to an earlier value is a cache hit.
import { allOnesLogit, computeRope, menB, roformerBound, rotationMatrix, type RopeConfig, type RopeTable } from '../../rope/index.ts';
import type { DecayMetric } from '../../state/experiment.ts';

class LruCache<V> {
  private entries = new Map<string, V>();
  constructor(private readonly capacity: number) {}

  getOrCompute(key: string, compute: () => V): V {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const value = compute();
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}

const configKey = (config: RopeConfig) => JSON.stringify(config);

const tables = new LruCache<RopeTable>(128);
const decays = new LruCache<Float64Array>(96);
const rotations = new LruCache<ReturnType<typeof rotationMatrix>>(8);

export function cachedTable(config: RopeConfig): RopeTable {
  return tables.getOrCompute(configKey(config), () => computeRope(config));
}

const DECAY_FUNCTIONS: Record<DecayMetric, (config: RopeConfig, distances: ArrayLike<number>) => Float64Array> = {
  allOnesLogit,
  roformerBound,
  menB,
};

/**
 * One decay curve. Computed per metric (not all three at once) because the chart shows one and the
 * RoFormer bound's extra sin/sqrt per pair would double the cost of a slider step.
 * `gridKey` names the distance grid (e.g. "log:131072:1000"); the grid must be a function of it.
 */
export function cachedDecay(config: RopeConfig, metric: DecayMetric, gridKey: string, distances: ArrayLike<number>): Float64Array {
  return decays.getOrCompute(`${configKey(config)}|${metric}|${gridKey}`, () => DECAY_FUNCTIONS[metric](config, distances));
}

export function cachedRotation(config: RopeConfig, gridKey: string, distances: ArrayLike<number>) {
  return rotations.getOrCompute(`${configKey(config)}|${gridKey}`, () => rotationMatrix(config, distances));
}
