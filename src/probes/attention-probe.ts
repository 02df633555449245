// Runner of the attention probes: per RoPE variant, the attention-over-distance sums and the q/k norms
// per rotary pair of one input, and, for short inputs, one head's full attention map. Needs an engine
// with ProbeHooks.
import type { AttentionStats } from './attention-stats.ts';
import { MAX_MAP_TOKENS, type ProbeHooks } from '../engine/probe-hooks.ts';
import { makeProvenance, type ProbeText, type Provenance, type RopeVariant } from './provenance.ts';
import type { QkPairNorms } from './qk-norms.ts';
import { forEachVariant, ProgressCounter, type ProbeContext } from './run-context.ts';

export { MAX_MAP_TOKENS };

export interface AttentionProbeOptions {
  text: ProbeText;
  /** Tokens of the input (BOS included); the text is cut to this. */
  ctx: number;
  variants: RopeVariant[];
  queryBinEdges?: number[];
  /** Also return this head's full attention map (inputs of at most MAX_MAP_TOKENS tokens). */
  mapOf?: { layer: number; head: number };
}

export interface AttentionSeries {
  variant: RopeVariant;
  stats: AttentionStats;
  qkNorms: QkPairNorms;
  map?: Float32Array;
}

export interface AttentionProbeResult {
  provenance: Provenance;
  /** The ids the model saw (so a heatmap can label its axes). */
  ids: number[];
  /** Each id decoded on its own, for a map's axis labels; present when the result carries maps. */
  tokens?: string[];
  series: AttentionSeries[];
}

export async function runAttentionProbe(ctx: ProbeContext, options: AttentionProbeOptions): Promise<AttentionProbeResult> {
  const hooks: ProbeHooks | undefined = ctx.hooks;
  if (!hooks) throw new Error('this engine cannot gather attention statistics (it lacks the probe hooks)');
  const ids = ctx.tokenizer.encode(options.text.text).slice(0, options.ctx);
  if (ids.length < 2) throw new RangeError(`text '${options.text.id}' has fewer than 2 tokens`);
  const { mapOf } = options;
  if (mapOf && ids.length > MAX_MAP_TOKENS)
    throw new RangeError(`a full attention map needs an input of at most ${MAX_MAP_TOKENS} tokens, this one has ${ids.length}`);
  const steps = 2 + (mapOf ? 1 : 0);
  const progress = new ProgressCounter(ctx, 'attention-distance', options.variants.length * steps);

  const series = await forEachVariant(ctx, options.variants, async (variant) => {
    progress.start(`${variant.label} · attention`);
    const stats = await hooks.attentionStats(ids, { queryBinEdges: options.queryBinEdges });
    progress.finish(`${variant.label} · attention`);
    progress.start(`${variant.label} · q/k norms`);
    const qkNorms = await hooks.qkPairNorms(ids);
    progress.finish(`${variant.label} · q/k norms`);
    if (!mapOf) return { variant, stats, qkNorms };
    progress.start(`${variant.label} · map`);
    const map = await hooks.attentionMap(ids, mapOf.layer, mapOf.head);
    progress.finish(`${variant.label} · map`);
    return { variant, stats, qkNorms, map };
  });
  const opts = { ctx: options.ctx, variants: options.variants, queryBinEdges: options.queryBinEdges ?? null, mapOf: mapOf ?? null };
  const provenance = await makeProvenance(ctx, 'attention-distance', [options.text], [ids.length], null, opts);
  if (!mapOf) return { provenance, ids, series };
  return { provenance, ids, tokens: ids.map((id) => ctx.tokenizer.decode([id])), series };
}
