// The slow analytics (scans over up to a million distances per base) off the main thread, so the page
// stays responsive while the base-vs-context view fills in. Pure calls into src/rope.
import { expose } from 'comlink';
import { baseContextSweep, firstNegativeDistance, minBase, type MinBaseOptions, type RopeConfig } from '../rope/index.ts';
import type { MinBaseAnswer } from './analytics-api.ts';

const api = {
  sweep(headDim: number, bases: number[], maxDistance: number) {
    return baseContextSweep(headDim, bases, maxDistance);
  },
  minBase(headDim: number, context: number, options: MinBaseOptions): MinBaseAnswer {
    try {
      return { context, ...minBase(headDim, context, options) };
    } catch (err) {
      return { context, error: (err as Error).message };
    }
  },
  firstNegative(config: RopeConfig, maxDistance: number): number | null {
    return firstNegativeDistance(config, maxDistance);
  },
};

export type AnalyticsWorkerApi = typeof api;

expose(api);
