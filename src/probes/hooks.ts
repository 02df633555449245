// What a probe needs from an engine beyond the Engine interface: attention statistics gathered inside the
// attention kernel, one head's full attention map for short inputs, and the q/k norms per rotary pair.
// Separate and optional, so the loss and retrieval probes run on any Engine and the attention probes
// light up when an engine implements these. Everything crosses comlink as plain data.
import type { AttentionStats } from './attention-stats.ts';
import type { QkPairNorms } from './qk-norms.ts';

export interface AttentionStatsOptions {
  /** Query-position bins (default logBinEdges(0, ids.length)). */
  queryBinEdges?: number[];
}

export interface ProbeHooks {
  /**
   * Runs `ids` (BOS included when wanted) from position 0 under the current RoPE and returns, per layer
   * and head, the attention sums of AttentionStats. Must not keep an N×N matrix: the kernel adds each
   * query row's bucket masses, entropy and position-0 weight into per-(layer, head, query bin) sums.
   */
  attentionStats(ids: number[], options?: AttentionStatsOptions): Promise<AttentionStats>;
  /** The full causal attention of one head, (ids.length)² row-major (zeros above the diagonal); short inputs only. */
  attentionMap(ids: number[], layer: number, head: number): Promise<Float32Array>;
  /** Mean norms of q and k per rotary pair over the positions of `ids`, before the rotation. */
  qkPairNorms(ids: number[]): Promise<QkPairNorms>;
}

/** Whether an engine object also offers the probe hooks. */
export function hasProbeHooks(engine: object): engine is ProbeHooks {
  const e = engine as Partial<ProbeHooks>;
  return typeof e.attentionStats === 'function' && typeof e.attentionMap === 'function' && typeof e.qkPairNorms === 'function';
}
