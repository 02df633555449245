// Per-configuration memo of the analytics the views draw. Configs are keyed by their JSON, so editing
// one series recomputes only that series, and dragging back to an earlier value is a cache hit.
import { computeRope, decayCurves, rotationMatrix, type DecayCurves, type RopeConfig, type RopeTable } from '../../rope/index.ts';

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
const decays = new LruCache<DecayCurves>(48);
const rotations = new LruCache<ReturnType<typeof rotationMatrix>>(8);

export function cachedTable(config: RopeConfig): RopeTable {
  return tables.getOrCompute(configKey(config), () => computeRope(config));
}

/** `gridKey` names the distance grid (e.g. "log:131072:1000"); the grid must be a function of it. */
export function cachedDecay(config: RopeConfig, gridKey: string, distances: ArrayLike<number>): DecayCurves {
  return decays.getOrCompute(`${configKey(config)}|${gridKey}`, () => decayCurves(config, distances));
}

export function cachedRotation(config: RopeConfig, gridKey: string, distances: ArrayLike<number>) {
  return rotations.getOrCompute(`${configKey(config)}|${gridKey}`, () => rotationMatrix(config, distances));
}
