// Charts of the retrieval probes: passkey accuracy as a length × depth heatmap per RoPE variant, and
// first-sentence ROUGE-L against prompt length.
import type { FirstSentenceResult, PasskeyResult } from '../../../probes/index.ts';
import { Heatmap } from './Heatmap.tsx';
import { variantColor } from './palette.ts';
import { ProbeLineChart } from './ProbeLineChart.tsx';

export function PasskeyHeatmaps({ result }: { result: PasskeyResult }) {
  const { lengths, depths, trials } = result.provenance.options as { lengths: number[]; depths: number[]; trials: number };
  return (
    <div className="probe-heatmaps">
      {result.series.map((s) => (
        <figure key={s.variant.label}>
          <figcaption>
            {s.variant.label} · {trials} trial(s) per cell
          </figcaption>
          <Heatmap
            title={`Passkey accuracy, ${s.variant.label}`}
            rows={lengths.map(String)}
            columns={depths.map((d) => `${Math.round(d * 100)}%`)}
            values={s.accuracy}
            rowLabel="tokens"
            columnLabel="depth of the key"
          />
        </figure>
      ))}
    </div>
  );
}

export function FirstSentenceChart({ result }: { result: FirstSentenceResult }) {
  const { lengths } = result.provenance.options as { lengths: number[] };
  const series = result.series.map((s, i) => ({
    name: s.variant.label,
    color: variantColor(i),
    points: s.meanRougeL.map((r, li) => [lengths[li], r] as [number, number]),
  }));
  return (
    <ProbeLineChart
      title="First-sentence retrieval: ROUGE-L against prompt length"
      series={series}
      xLabel="prompt length (tokens)"
      yLabel="mean ROUGE-L F1"
      xScale="log"
      xTicks={lengths}
      yDomain={[0, 1]}
    />
  );
}
