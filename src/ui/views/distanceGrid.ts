// The distances the distance views sample. Log axes get log-spaced samples from Δ = 1, linear axes
// evenly spaced ones from 0; both are dense enough that each pixel column sees a sample or more.
import { linearDistances, logSpacedDistances } from '../../rope/index.ts';
import type { AxisScale } from '../../state/experiment.ts';

export interface DistanceGrid {
  key: string;
  distances: Float64Array;
}

export function distanceGrid(scale: AxisScale, maxDistance: number, count: number): DistanceGrid {
  return {
    key: `${scale}:${maxDistance}:${count}`,
    distances: scale === 'log' ? logSpacedDistances(maxDistance, count) : linearDistances(maxDistance, count),
  };
}

/** Index of the sample nearest to `distance` in an increasing grid. */
export function nearestIndex(distances: ArrayLike<number>, distance: number): number {
  let lo = 0;
  let hi = distances.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (distances[mid] < distance) lo = mid;
    else hi = mid;
  }
  return Math.abs(distances[lo] - distance) <= Math.abs(distances[hi] - distance) ? lo : hi;
}
