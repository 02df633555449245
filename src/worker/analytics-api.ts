// What the page may ask the analytics worker: the one interface the UI sees (it gets an implementation
// from the page's entry point, never the worker itself), so views can be mounted with any client.
import type { MinBaseOptions, RopeConfig } from '../rope/index.ts';

export type MinBaseAnswer =
  | { context: number; minBase: number; gridRatio: number; nonMonotone: Array<{ base: number; firstNegative: number }> }
  | { context: number; error: string };

export interface AnalyticsClient {
  /** Per base, the first distance at which B(Δ) turns negative (null: none within maxDistance). */
  sweep(headDim: number, bases: number[], maxDistance: number): Promise<Array<{ base: number; firstNegativeDistance: number | null }>>;
  /** The smallest base that supports `context`, or why none was found. */
  minBase(headDim: number, context: number, options: MinBaseOptions): Promise<MinBaseAnswer>;
  /** The first distance at which this RoPE's B(Δ) turns negative, or null within maxDistance. */
  firstNegative(config: RopeConfig, maxDistance: number): Promise<number | null>;
}
