// How far the base-vs-context view scans, shared by its chart and tables.
import { formatNumber } from '../charts/ticks.ts';

/** B(Δ) is scanned up to this distance; a base whose B stays ≥ 0 that far is drawn at the top. */
export const SCAN_LIMIT = 1 << 20;
/** minBase scans every candidate base up to the context; above this it takes too long for a page. */
export const MIN_BASE_CONTEXT_LIMIT = 1 << 18;

export function describeNegative(distance: number | null): string {
  return distance === null ? `B ≥ 0 up to ${formatNumber(SCAN_LIMIT)}` : `B < 0 first at Δ = ${formatNumber(distance)}`;
}
