// Attention over distance: the mass each RoPE variant's heads put on log-spaced distance buckets
// (averaged over query positions, and over all heads or one chosen layer/head), next to the analytic
// decay of the same RoPE configuration (the all-ones logit, src/rope's decayCurves), so what the
// model does sits beside what its RoPE alone would predict.
import { useState } from 'react';
import type { AttentionProbeResult } from '../../../probes/index.ts';
import { formatTokens } from '../../charts/ticks.ts';
import { AttentionMaps } from './AttentionMap.tsx';
import {
  analyticDecay,
  bucketMiddle,
  meanBucketMass,
  pairUsage,
  seriesModel,
  trainedContextMarkers,
  type HeadChoice,
} from './attentionSeries.ts';
import { variantColor } from './palette.ts';
import { ProbeLineChart } from './ProbeLineChart.tsx';

export function AttentionDistanceCharts({ result }: { result: AttentionProbeResult }) {
  const [choice, setChoice] = useState<HeadChoice>('all');
  const { layers, heads } = result.series[0].stats;
  const mass = result.series.map((s, i) => ({
    name: s.variant.label,
    color: variantColor(i),
    points: meanBucketMass(s.stats, choice).map((m, b) => [bucketMiddle(b), m] as [number, number]),
  }));
  // each series under its own model's RoPE: a family run compares models trained with different ones
  const usage = result.series.map((s, i) => ({
    name: s.variant.label,
    color: variantColor(i),
    points: pairUsage(s.qkNorms, seriesModel(result, i).rope, choice),
  }));
  const decay = result.series.map((s, i) => ({
    name: s.variant.label,
    color: variantColor(i),
    dashed: true,
    points: analyticDecay(seriesModel(result, i).rope, result.ids.length),
  }));
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
            <option key={i} value={`${Math.floor(i / heads)}:${i % heads}`}>
              layer {Math.floor(i / heads)} · head {i % heads}
            </option>
          ))}
        </select>
      </label>
      <div className="probe-chart-pair">
        <ProbeLineChart
          title="Attention mass by distance"
          series={mass}
          xLabel="distance (tokens, log buckets)"
          yLabel="attention mass"
          xScale="log"
          yDomain={[0, 1]}
        />
        <ProbeLineChart
          title="Analytic RoPE decay of the same configurations"
          series={decay}
          xLabel="distance (tokens)"
          yLabel="all-ones logit (RoPE alone)"
          xScale="log"
        />
      </div>
      <ProbeLineChart
        title="Which rotary wavelengths carry q·k"
        series={usage}
        xLabel="wavelength of the rotary pair (tokens, log)"
        yLabel="share of mean ‖q‖·‖k‖ per pair"
        xScale="log"
        markers={trainedContextMarkers(result, formatTokens)}
      />
      <p className="hint">
        Norms of q and k per rotary pair, taken before the rotation, so the weights decide them; an override only moves each pair along the
        wavelength axis. Pairs right of the trained context never turned a full period in training.
      </p>
      <AttentionMaps result={result} />
    </div>
  );
}
