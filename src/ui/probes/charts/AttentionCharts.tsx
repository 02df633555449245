// Attention over distance: the mass each RoPE variant's heads put on log-spaced distance buckets
// (averaged over query positions, and over all heads or one chosen layer/head), next to the analytic
// decay of the same RoPE configuration (the all-ones logit, src/rope's decayCurves), so what the
// model does sits beside what its RoPE alone would predict.
import { useState, type Ref } from 'react';
import { distanceBucketRange, headSummary, type AttentionProbeResult, type AttentionSeries } from '../../../probes/index.ts';
import { decayCurves, logSpacedDistances } from '../../../rope/index.ts';
import { variantColor } from './palette.ts';
import { ProbeLineChart } from './ProbeLineChart.tsx';

type HeadChoice = { layer: number; head: number } | 'all';

/** Mean bucket mass over the chosen heads. */
function bucketMass(s: AttentionSeries, choice: HeadChoice): number[] {
  const { stats } = s;
  const heads = choice === 'all'
    ? Array.from({ length: stats.layers * stats.heads }, (_, i) => ({ layer: Math.floor(i / stats.heads), head: i % stats.heads }))
    : [choice];
  const sum = new Array<number>(stats.buckets).fill(0);
  for (const h of heads) headSummary(stats, h.layer, h.head).bucketMass.forEach((m, b) => (sum[b] += m));
  return sum.map((m) => m / heads.length);
}

/** A bucket [lo, hi) drawn at its geometric middle; bucket 0 (distance 0) at 0.5 so a log axis can show it. */
const bucketMiddle = (b: number) => {
  const [lo, hi] = distanceBucketRange(b);
  return b === 0 ? 0.5 : Math.sqrt(lo * (hi - 1));
};

export function AttentionDistanceCharts({ result, svgRef }: { result: AttentionProbeResult; svgRef: Ref<SVGSVGElement> }) {
  const [choice, setChoice] = useState<HeadChoice>('all');
  const { layers, heads } = result.series[0].stats;
  const own = result.provenance.model.rope;
  const mass = result.series.map((s, i) => ({
    name: s.variant.label,
    color: variantColor(i),
    points: bucketMass(s, choice).map((m, b) => [bucketMiddle(b), m] as [number, number]),
  }));
  const distances = logSpacedDistances(Math.max(2, result.ids.length), 64);
  const decay = result.series.map((s, i) => {
    const logit = decayCurves(s.variant.rope ?? own, distances).allOnesLogit;
    return { name: s.variant.label, color: variantColor(i), dashed: true, points: Array.from(distances, (d, k) => [d, logit[k]] as [number, number]) };
  });
  return (
    <div className="probe-attention">
      <label className="probe-head-picker">
        Heads{' '}
        <select
          value={choice === 'all' ? 'all' : `${choice.layer}:${choice.head}`}
          onChange={(e) => {
            const [layer, head] = e.target.value.split(':').map(Number);
            setChoice(e.target.value === 'all' ? 'all' : { layer, head });
          }}
        >
          <option value="all">all layers and heads (mean)</option>
          {Array.from({ length: layers * heads }, (_, i) => (
            <option key={i} value={`${Math.floor(i / heads)}:${i % heads}`}>layer {Math.floor(i / heads)} · head {i % heads}</option>
          ))}
        </select>
      </label>
      <div className="probe-chart-pair">
        <ProbeLineChart title="Attention mass by distance" series={mass} xLabel="distance (tokens, log buckets)" yLabel="attention mass" xScale="log" yDomain={[0, 1]} svgRef={svgRef} />
        <ProbeLineChart title="Analytic RoPE decay of the same configurations" series={decay} xLabel="distance (tokens)" yLabel="all-ones logit (RoPE alone)" xScale="log" />
      </div>
    </div>
  );
}
