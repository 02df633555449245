// How far the base-vs-context view scans, shared by its chart and tables.
import { equivalentPlainBase, type RopeConfig } from '../../rope/index.ts';
import { formatNumber } from '../charts/ticks.ts';

/** B(Δ) is scanned up to this distance; a base whose B stays ≥ 0 that far is drawn at the top. */
export const SCAN_LIMIT = 1 << 20;
/** minBase scans every candidate base up to the context; above this it takes too long for a page. */
export const MIN_BASE_CONTEXT_LIMIT = 1 << 18;

export function describeNegative(distance: number | null): string {
  return distance === null ? `B ≥ 0 up to ${formatNumber(SCAN_LIMIT)}` : `B < 0 first at Δ = ${formatNumber(distance)}`;
}

/**
 * Where a series sits on the base axis. A configuration with an equivalent plain base (NTK-aware scaling:
 * b·s^(d/(d−2))) sits there, on the plain-RoPE curve; PI, YaRN, llama3 and LongRoPE have none, so they sit at
 * their nominal base, drawn hollow: their own B(Δ) is measured, but the curve does not describe them.
 */
export function seriesPlacement(config: RopeConfig): { base: number; onCurve: boolean; note: string } {
  const equivalent = equivalentPlainBase(config);
  if (equivalent !== null) {
    const moved = Math.abs(equivalent - config.base) > 1e-6 * config.base;
    return {
      base: equivalent,
      onCurve: true,
      note: moved ? `base ${formatNumber(equivalent)} (its θ equal plain RoPE's there)` : `base ${formatNumber(config.base)}`,
    };
  }
  const why = config.type === 'linear' ? `every θ divided by ${config.factor}` : 'pairs scaled unevenly';
  return { base: config.base, onCurve: false, note: `nominal base ${formatNumber(config.base)}, off the curve (${why})` };
}
