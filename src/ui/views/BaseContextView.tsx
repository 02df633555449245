// View 4: base vs context (Men et al. 2024). For plain RoPE, the first distance at which B(Δ) turns
// negative, per base — the context a base can support — and, per marked context, the smallest base that
// supports it. B is not monotone in the base, so bases above the minimum that fail again are listed.
import { line, scaleLog } from 'd3';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { RopeConfig } from '../../rope/index.ts';
import { useLab, useLabStoreApi } from '../LabStoreContext.tsx';
import { selectContexts, selectSeries } from '../../state/labStore.ts';
import type { MinBaseAnswer } from '../../worker/analytics-api.ts';
import { useAnalytics } from '../analytics/AnalyticsContext.tsx';
import { useWorkerAnswer } from '../analytics/useWorkerAnswer.ts';
import { BottomAxis, ChartSvg, LeftAxis, MarkerLine, plotBox } from '../charts/chartKit.tsx';
import { keyboardHover } from '../charts/keyboardHover.ts';
import { pointerX, Readout } from '../charts/Readout.tsx';
import { formatNumber, formatTokens, logTicks } from '../charts/ticks.ts';
import { useRegisterExporter } from '../export/ExportRegistry.tsx';
import type { ViewExporter } from '../export/viewExport.ts';
import { describeNegative, MIN_BASE_CONTEXT_LIMIT, SCAN_LIMIT, seriesPlacement } from './baseContextLimits.ts';
import { BaseContextTables } from './BaseContextTables.tsx';
import { nearestIndex } from './distanceGrid.ts';
import { ViewFrame } from './ViewFrame.tsx';

const MIN_BASE_OPTIONS = { lo: 10, hi: 1e10, stepsPerDecade: 50, verifyDecades: 1 };
/** Bases 10^1.5 … 10^8, ten per decade. */
const SWEEP_BASES = Array.from({ length: 66 }, (_, k) => Number((10 ** (1.5 + k / 10)).toPrecision(6)));
const HEAD_DIM_DASHES = [undefined, '6 4', '2 3', '10 3 2 3'];

export interface SweepLine {
  headDim: number;
  points: Array<{ base: number; firstNegativeDistance: number | null }>;
}

export function BaseContextView() {
  const analytics = useAnalytics();
  const series = useLab(selectSeries);
  const contexts = useLab(selectContexts);
  const svgRef = useRef<SVGSVGElement>(null);
  const [hoverIndex, setHoverIndex] = useState<number | null>(null);

  const headDims = useMemo(() => [...new Set(series.map((s) => s.config.headDim))].sort((a, b) => a - b), [series]);
  const headDimKey = headDims.join(',');
  const configs = useMemo(() => series.map((s) => s.config), [series]);
  const configKey = JSON.stringify(configs);

  const sweep = useWorkerAnswer<SweepLine[]>(
    () => Promise.all(headDims.map(async (headDim) => ({ headDim, points: await analytics.sweep(headDim, SWEEP_BASES, SCAN_LIMIT) }))),
    [headDimKey],
  );
  const minBases = useWorkerAnswer<Array<MinBaseAnswer & { headDim: number }>>(
    () =>
      Promise.all(
        headDims.flatMap((headDim) =>
          contexts
            .filter((c) => c <= MIN_BASE_CONTEXT_LIMIT)
            .map(async (c) => ({ ...(await analytics.minBase(headDim, c, MIN_BASE_OPTIONS)), headDim })),
        ),
      ),
    [headDimKey, contexts.join(',')],
  );
  const seriesNegatives = useWorkerAnswer<Array<number | null>>(
    () => Promise.all(configs.map((c: RopeConfig) => analytics.firstNegative(c, SCAN_LIMIT))),
    [configKey],
  );

  const exporter = useMemo<ViewExporter>(
    () => ({
      view: 'base',
      svg: () => svgRef.current,
      table: () => ({
        columns: ['base', ...(sweep.value ?? []).map((l) => `first negative distance (d=${l.headDim})`)],
        rows: SWEEP_BASES.map((base, k) => [base, ...(sweep.value ?? []).map((l) => l.points[k]?.firstNegativeDistance ?? null)]),
      }),
      json: () => ({
        view: 'base',
        scanLimit: SCAN_LIMIT,
        sweep: sweep.value,
        minBase: minBases.value,
        series: series.map((s, i) => ({ name: s.name, config: s.config, firstNegativeDistance: seriesNegatives.value?.[i] ?? null })),
      }),
    }),
    [sweep.value, minBases.value, seriesNegatives.value, series],
  );
  useRegisterExporter(exporter);

  const pending = sweep.pending || minBases.pending || seriesNegatives.pending;
  const store = useLabStoreApi();
  const workerMs = pending ? null : Math.max(sweep.milliseconds ?? 0, minBases.milliseconds ?? 0, seriesNegatives.milliseconds ?? 0);
  useEffect(() => {
    if (workerMs !== null) store.getState().actions.reportRecompute(workerMs, 'worker');
  }, [store, workerMs]);
  const hoverBase = hoverIndex === null ? null : SWEEP_BASES[hoverIndex];
  return (
    <ViewFrame
      title="Base vs context"
      readout={
        <>
          <p className="worker-status" data-testid="base-status">
            {pending ? 'Scanning B(Δ) in a worker…' : `Scanned in ${Math.round(workerMs ?? 0)} ms (worker)`}
          </p>
          <Readout
            heading={hoverBase === null ? null : `base ${formatNumber(hoverBase)}`}
            rows={(sweep.value ?? []).map((l) => ({
              key: String(l.headDim),
              name: `plain RoPE, d = ${l.headDim}`,
              value: describeNegative(l.points[hoverIndex ?? 0]?.firstNegativeDistance ?? null),
            }))}
            hint="Hover the chart to read the first distance where B(Δ) < 0 for a base."
          />
        </>
      }
      explanation={
        <p>
          Men et al. (2024) show that a similar token keeps more attention than a random one only while B(Δ) = Σᵢ cos(Δθᵢ) ≥ 0, so the first
          negative Δ bounds the context a base supports. The black line is plain RoPE per base; dots are your series, each at its own first
          negative Δ. NTK-aware scaling has the frequencies of a plain RoPE with base b·s^(d/(d−2)) and sits there, on the curve; PI, YaRN
          and llama3 scale pairs unevenly (or every θ alike, PI), match no plain base, and are drawn hollow at their nominal base (the table
          says where each sits). The curve is not monotone: a larger base can fail earlier, so the smallest base per context is found by
          scanning upward, and the larger bases that fail again are listed below. Scans stop at Δ = {formatTokens(SCAN_LIMIT)}.
        </p>
      }
      footer={<BaseContextTables series={series} negatives={seriesNegatives.value} minBases={minBases.value} contexts={contexts} />}
      chart={(size) => {
        const lines = sweep.value ?? [];
        const box = plotBox(size.width, size.height, [
          ...lines.map((l, k) => ({ key: `d${l.headDim}`, name: `plain RoPE, d = ${l.headDim}`, color: '#1f2933', dashed: k > 0 })),
          ...series.map((s) => ({ key: s.id, name: s.name, color: s.color, marker: 'dot' as const })),
        ]);
        const x = scaleLog()
          .domain([SWEEP_BASES[0], SWEEP_BASES[SWEEP_BASES.length - 1]])
          .range([0, box.innerWidth]);
        const y = scaleLog()
          .domain([10, SCAN_LIMIT * 2])
          .range([box.innerHeight, 0]);
        const yOf = (d: number | null) => y(d ?? SCAN_LIMIT * 1.6);
        const path = line<{ base: number; firstNegativeDistance: number | null }>()
          .x((p) => x(p.base))
          .y((p) => yOf(p.firstNegativeDistance));
        return (
          <ChartSvg box={box} title="First negative distance of B(Δ) per base" svgRef={svgRef}>
            <BottomAxis ticks={logTicks(x)} x={x} box={box} label="RoPE base b" />
            <LeftAxis ticks={logTicks(y)} y={y} box={box} label="first Δ with B(Δ) < 0 (tokens)" />
            <MarkerLine orientation="horizontal" at={y(SCAN_LIMIT)} box={box} label={`scan limit ${formatTokens(SCAN_LIMIT)}`} />
            {contexts.map((c) => (
              <MarkerLine key={c} orientation="horizontal" at={y(c)} box={box} label={`context ${formatTokens(c)}`} />
            ))}
            {lines.map((l, k) => (
              <g key={l.headDim}>
                <path className="series sweep" stroke="#1f2933" strokeDasharray={HEAD_DIM_DASHES[k % 4]} d={path(l.points) ?? ''} />
                {l.points.map((p) => (
                  <circle key={p.base} cx={x(p.base)} cy={yOf(p.firstNegativeDistance)} r={2} fill="#1f2933" />
                ))}
              </g>
            ))}
            {(minBases.value ?? []).map((m) =>
              'error' in m || m.minBase > SWEEP_BASES[SWEEP_BASES.length - 1] ? null : (
                <line
                  key={`${m.headDim}-${m.context}`}
                  className="marker-line"
                  x1={x(m.minBase)}
                  x2={x(m.minBase)}
                  y1={y(m.context)}
                  y2={box.innerHeight}
                />
              ),
            )}
            {series.map((s, i) => {
              const negative = seriesNegatives.value?.[i];
              const at = seriesPlacement(s.config);
              if (negative === undefined || at.base < SWEEP_BASES[0] || at.base > SWEEP_BASES[SWEEP_BASES.length - 1]) return null;
              // hollow: no plain base describes this RoPE (PI, YaRN…), so it sits at its nominal base, off the curve
              return at.onCurve ? (
                <circle
                  key={s.id}
                  data-series={s.name}
                  cx={x(at.base)}
                  cy={yOf(negative)}
                  r={6}
                  fill={s.color}
                  stroke="#ffffff"
                  strokeWidth={1.5}
                />
              ) : (
                <circle
                  key={s.id}
                  data-series={s.name}
                  data-off-curve=""
                  cx={x(at.base)}
                  cy={yOf(negative)}
                  r={5}
                  fill="#ffffff"
                  stroke={s.color}
                  strokeWidth={2.5}
                />
              );
            })}
            {hoverBase !== null && (
              <line className="crosshair" data-export="skip" x1={x(hoverBase)} x2={x(hoverBase)} y1={0} y2={box.innerHeight} />
            )}
            <rect
              width={box.innerWidth}
              height={box.innerHeight}
              fill="transparent"
              data-export="skip"
              onPointerMove={(e) => setHoverIndex(nearestIndex(SWEEP_BASES, x.invert(pointerX(e))))}
              onPointerLeave={() => setHoverIndex(null)}
              aria-label="Read the first negative distance at a base (arrow keys)"
              {...keyboardHover(hoverIndex, SWEEP_BASES.length, setHoverIndex)}
            />
          </ChartSvg>
        );
      }}
    />
  );
}
