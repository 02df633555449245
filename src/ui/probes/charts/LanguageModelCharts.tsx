// Charts of the language-modelling probes: loss by position (log-binned, one curve per RoPE variant)
// and perplexity against context length.
import type { LossByPositionResult, PerplexityResult } from '../../../probes/index.ts';
import { formatNumber } from '../../charts/ticks.ts';
import { variantColor } from './palette.ts';
import { ProbeLineChart } from './ProbeLineChart.tsx';

/** A log bin [lo, hi) drawn at its geometric middle. */
const binMiddle = (lo: number, hi: number) => Math.sqrt(lo * Math.max(lo, hi - 1));

export function LossByPositionChart({ result }: { result: LossByPositionResult }) {
  const series = result.series.map((s, i) => ({
    name: `${s.variant.label} (mean ${formatNumber(s.meanLoss)})`,
    color: variantColor(i),
    points: s.binned.mean.map((m, b) => [binMiddle(s.binned.edges[b], s.binned.edges[b + 1]), m] as [number, number]),
  }));
  return (
    <ProbeLineChart
      title={`Loss by position, ${result.ctx} tokens, ${result.provenance.texts.length} text(s)`}
      series={series}
      xLabel="token position (log bins)"
      yLabel="mean loss (nats)"
      xScale="log"
    />
  );
}

export function PerplexityChart({ result }: { result: PerplexityResult }) {
  const series = result.series.map((s, i) => ({
    name: s.variant.label,
    color: variantColor(i),
    points: s.points.map((p) => [p.ctx, p.ppl] as [number, number]),
  }));
  return (
    <ProbeLineChart
      title={`Perplexity against context length (${result.method})`}
      series={series}
      xLabel="context length (tokens)"
      yLabel="perplexity"
      xScale="log"
      xTicks={result.series[0]?.points.map((p) => p.ctx)}
    />
  );
}
