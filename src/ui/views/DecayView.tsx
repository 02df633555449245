// View 3: how a logit depends on relative distance. Three measures, per series: Llama 2 Long's Fig. 4
// (all-ones q and k), RoFormer's long-term-decay bound, and Men et al.'s B(Δ) whose sign matters.
import { extent, scaleLinear, scaleLog } from 'd3';
import { useMemo, useRef, useState } from 'react';
import { useLab } from '../LabStoreContext.tsx';
import { DECAY_METRICS, type DecayMetric } from '../../state/experiment.ts';
import { selectActions, selectContexts, selectDecayMetric, selectMaxDistance, selectSeries, selectXScale } from '../../state/labStore.ts';
import type { RopeConfig } from '../../rope/index.ts';
import { cachedDecay, cachedTable } from '../analytics/cache.ts';
import { useMeasuredMemo } from '../analytics/useMeasuredMemo.ts';
import { BottomAxis, ChartSvg, LeftAxis, MarkerLine, plotBox } from '../charts/chartKit.tsx';
import { columnEnvelope, envelopePath } from '../charts/envelope.ts';
import { keyboardHover } from '../charts/keyboardHover.ts';
import { pointerX, Readout } from '../charts/Readout.tsx';
import { formatNumber, formatTokens, linearTicks, logTicks } from '../charts/ticks.ts';
import { useRegisterExporter } from '../export/ExportRegistry.tsx';
import type { ViewExporter } from '../export/viewExport.ts';
import { DistanceControls } from './DistanceControls.tsx';
import { distanceGrid, nearestIndex } from './distanceGrid.ts';
import { ViewFrame } from './ViewFrame.tsx';

export const DECAY_METRIC_LABELS: Record<DecayMetric, { name: string; axis: string }> = {
  allOnesLogit: { name: 'all-ones logit (Llama 2 Long Fig. 4)', axis: 'logit q·R(Δ)k/√d, q = k = 1' },
  roformerBound: { name: 'RoFormer decay bound', axis: 'relative upper bound (1/(d/2))·Σⱼ|Sⱼ|' },
  menB: { name: 'Men et al. B(Δ) = Σ cos(Δθᵢ)', axis: 'B(Δ) = Σᵢ cos(Δθᵢ)' },
};

const SAMPLES = { log: 1000, linear: 1000 } as const;
/** Samples the chart draws from, reduced to a min–max band per pixel column (readout and exports use SAMPLES). */
const DRAW_SAMPLES = 8192;

/**
 * YaRN (and LongRoPE) multiply cos and sin by an attention factor a, so q·k and the all-ones logit carry a²:
 * YaRN ×8 starts at 2·64·1.208²/√128 ≈ 16.5, not 11.3. The legend says so where it applies.
 */
export function legendName(series: { name: string; config: RopeConfig }, metric: DecayMetric): string {
  const a = cachedTable(series.config).attentionFactor;
  return metric === 'allOnesLogit' && Math.abs(a - 1) > 1e-9
    ? `${series.name} (× a² = ${(a * a).toFixed(3)}, attention factor)`
    : series.name;
}

export function DecayView() {
  const series = useLab(selectSeries);
  const contexts = useLab(selectContexts);
  const metric = useLab(selectDecayMetric);
  const xScale = useLab(selectXScale);
  const maxDistance = useLab(selectMaxDistance);
  const { setDecayMetric } = useLab(selectActions);
  const svgRef = useRef<SVGSVGElement>(null);
  const [hoverIndex, setHoverIndex] = useState<number | null>(null);

  const grid = useMemo(() => distanceGrid(xScale, maxDistance, SAMPLES[xScale]), [xScale, maxDistance]);
  const drawGrid = useMemo(() => distanceGrid(xScale, maxDistance, DRAW_SAMPLES), [xScale, maxDistance]);
  const { curves, dense } = useMeasuredMemo(
    () => ({
      curves: series.map((s) => ({ ...s, values: cachedDecay(s.config, metric, grid.key, grid.distances) })),
      dense: series.map((s) => cachedDecay(s.config, metric, drawGrid.key, drawGrid.distances)),
    }),
    [series, grid, drawGrid, metric],
  );
  /** All three measures of every series, for the exports (computed on demand, cached). */
  const allMeasures = useMemo(
    () => () =>
      series.map((s) => ({
        ...s,
        measures: Object.fromEntries(DECAY_METRICS.map((m) => [m, cachedDecay(s.config, m, grid.key, grid.distances)])) as Record<
          DecayMetric,
          Float64Array
        >,
      })),
    [series, grid],
  );

  const exporter = useMemo<ViewExporter>(
    () => ({
      view: 'decay',
      svg: () => svgRef.current,
      table: () => {
        const all = allMeasures();
        return {
          columns: ['distance', ...all.flatMap((c) => DECAY_METRICS.map((m) => `${c.name} ${m}`))],
          rows: Array.from(grid.distances, (d, n) => [d, ...all.flatMap((c) => DECAY_METRICS.map((m) => c.measures[m][n]))]),
        };
      },
      json: () => ({
        view: 'decay',
        metric,
        xScale,
        distance: Array.from(grid.distances),
        series: allMeasures().map((c) => ({
          name: c.name,
          color: c.color,
          config: c.config,
          ...Object.fromEntries(DECAY_METRICS.map((m) => [m, Array.from(c.measures[m])])),
        })),
      }),
    }),
    [allMeasures, grid, metric, xScale],
  );
  useRegisterExporter(exporter);

  const hoverDistance = hoverIndex === null ? null : grid.distances[hoverIndex];
  return (
    <ViewFrame
      title="Decay over distance"
      controls={
        <>
          <label className="inline-field">
            measure
            <select value={metric} onChange={(e) => setDecayMetric(e.target.value as DecayMetric)}>
              {DECAY_METRICS.map((m) => (
                <option key={m} value={m}>
                  {DECAY_METRIC_LABELS[m].name}
                </option>
              ))}
            </select>
          </label>
          <DistanceControls />
        </>
      }
      readout={
        <Readout
          heading={
            hoverDistance === null
              ? null
              : `Δ = ${formatNumber(Math.round(hoverDistance * 100) / 100)} ${hoverDistance === 1 ? 'token' : 'tokens'}`
          }
          rows={
            hoverIndex === null
              ? []
              : curves.map((c) => ({ key: c.id, color: c.color, name: c.name, value: c.values[hoverIndex].toFixed(4) }))
          }
          hint="Hover the chart to read every series at one distance."
        />
      }
      explanation={
        <>
          <p>
            <b>All-ones logit</b> (Llama 2 Long, Fig. 4): with q = k = (1,…,1) the attention logit at distance Δ is (1/√d)·Σᵢ 2cos(Δθᵢ). A
            larger base makes it decay more slowly and stay positive far longer, which the paper links to ABF's better long-context results;
            PI instead stretches the curve by its factor. YaRN and LongRoPE scale cos and sin by an attention factor a, so their logit
            carries a² (YaRN ×8: 1.46, a start near 16.5 instead of 11.3); the legend gives a² for such series.
          </p>
          <p>
            <b>RoFormer bound</b> is the upper bound on |q·R(Δ)k| relative to max |qᵢkᵢ| (Su et al., §3.4.3).
            <b> B(Δ)</b> (Men et al. 2024): while B ≥ 0 a similar token still beats a random one, so the first negative Δ bounds the usable
            context. Each pixel column draws the min–max of the {DRAW_SAMPLES} {xScale}-spaced samples that fall in it, so a curve that
            oscillates faster than the pixels (long linear axes) shows as a band of its range, not as wiggles of whichever phase one sample
            hit; the readout and the exports give exact values at {SAMPLES[xScale]} distances.
          </p>
        </>
      }
      chart={(size) => {
        const box = plotBox(
          size.width,
          size.height,
          curves.map((c) => ({ key: c.id, name: legendName(c, metric), color: c.color })),
        );
        const x =
          xScale === 'log'
            ? scaleLog().domain([1, maxDistance]).range([0, box.innerWidth])
            : scaleLinear().domain([0, maxDistance]).range([0, box.innerWidth]);
        const [lo, hi] = extent(dense.flatMap((values) => Array.from(values))) as [number, number];
        const y = scaleLinear()
          .domain([Math.min(lo, 0), hi])
          .nice()
          .range([box.innerHeight, 0]);
        const band = (values: Float64Array) => envelopePath(columnEnvelope(drawGrid.distances, values, x, Math.ceil(box.innerWidth)), y);
        return (
          <ChartSvg box={box} title={`${DECAY_METRIC_LABELS[metric].name} over distance`} svgRef={svgRef}>
            <BottomAxis ticks={xScale === 'log' ? logTicks(x) : linearTicks(x, 8)} x={x} box={box} label="distance Δ (tokens)" />
            <LeftAxis ticks={linearTicks(y, 6)} y={y} box={box} label={DECAY_METRIC_LABELS[metric].axis} />
            <line className="zero-line" x1={0} x2={box.innerWidth} y1={y(0)} y2={y(0)} />
            {contexts
              .filter((c) => c <= maxDistance)
              .map((c, k) => (
                <MarkerLine key={c} orientation="vertical" at={x(c)} box={box} label={formatTokens(c)} labelRow={k % 2} />
              ))}
            {curves.map((c, k) => (
              <path
                key={c.id}
                className="series band"
                data-series={c.name}
                stroke={c.color}
                style={{ fill: c.color }}
                fillOpacity={0.35}
                d={band(dense[k])}
              />
            ))}
            {hoverDistance !== null && (
              <line className="crosshair" data-export="skip" x1={x(hoverDistance)} x2={x(hoverDistance)} y1={0} y2={box.innerHeight} />
            )}
            <rect
              width={box.innerWidth}
              height={box.innerHeight}
              fill="transparent"
              data-export="skip"
              onPointerMove={(e) => setHoverIndex(nearestIndex(grid.distances, x.invert(pointerX(e))))}
              onPointerLeave={() => setHoverIndex(null)}
              aria-label="Read the curves at a distance (arrow keys)"
              {...keyboardHover(hoverIndex, grid.distances.length, setHoverIndex)}
            />
          </ChartSvg>
        );
      }}
    />
  );
}
