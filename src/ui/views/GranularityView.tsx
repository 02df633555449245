// View 5: Llama 2 Long's Appendix B — adjusting the base (ABF) vs position interpolation (PI). The
// per-pair angle one token moves (θᵢ, radians/token): PI divides every pair's step by s, ABF leaves the
// fast pairs alone and slows only the slow ones, so neighbouring tokens stay resolvable.
import { granularityComparison } from '../../rope/index.ts';
import { line, scaleLinear, scaleLog } from 'd3';
import { useMemo, useRef, useState } from 'react';
import { useLab } from '../LabStoreContext.tsx';
import { selectFocus, selectGranularity, selectSeries } from '../../state/labStore.ts';
import { useMeasuredMemo } from '../analytics/useMeasuredMemo.ts';
import { BottomAxis, ChartSvg, LeftAxis, plotBox } from '../charts/chartKit.tsx';
import { keyboardHover } from '../charts/keyboardHover.ts';
import { pointerX, Readout } from '../charts/Readout.tsx';
import { formatNumber, formatTokens, linearTicks, logTicks } from '../charts/ticks.ts';
import { useRegisterExporter } from '../export/ExportRegistry.tsx';
import type { ViewExporter } from '../export/viewExport.ts';
import { GranularityControls } from './GranularityControls.tsx';
import { ViewFrame } from './ViewFrame.tsx';

/** The view's own three configurations, in colours no series takes (SERIES_PALETTE): they are not the
 * series panel's curves, and must not look like them. */
export const GRANULARITY_METHODS = [
  { key: 'original', color: '#52606d', dashed: true },
  { key: 'abf', color: '#c2185b', dashed: false },
  { key: 'pi', color: '#283593', dashed: false },
] as const;
const METHODS = GRANULARITY_METHODS;

export function GranularityView() {
  const series = useLab(selectSeries);
  const focus = useLab(selectFocus);
  const settings = useLab(selectGranularity);
  const headDim = series[focus].config.headDim;
  const svgRef = useRef<SVGSVGElement>(null);
  const [hoverPair, setHoverPair] = useState<number | null>(null);

  const comparison = useMeasuredMemo(() => granularityComparison(headDim, settings), [headDim, settings]);
  const names = {
    original: `original (base ${formatNumber(settings.origBase)})`,
    abf: `ABF (base ${formatNumber(settings.abfBase)})`,
    pi: `PI ×${formatNumber(settings.piFactor)} (base ${formatNumber(settings.origBase)})`,
  };

  const exporter = useMemo<ViewExporter>(
    () => ({
      view: 'granularity',
      svg: () => svgRef.current,
      table: () => ({
        columns: ['pair', 'original step (rad/token)', 'ABF step (rad/token)', 'PI step (rad/token)', 'ABF/PI step ratio'],
        rows: comparison.stepRatio.map((ratio, i) => [
          i,
          comparison.original.angularStep[i],
          comparison.abf.angularStep[i],
          comparison.pi.angularStep[i],
          ratio,
        ]),
      }),
      json: () => ({ view: 'granularity', headDim, settings, comparison }),
    }),
    [comparison, headDim, settings],
  );
  useRegisterExporter(exporter);

  return (
    <ViewFrame
      title="ABF vs PI granularity"
      controls={<GranularityControls />}
      readout={
        <Readout
          heading={hoverPair === null ? null : `pair i = ${hoverPair}: ABF/PI step ratio ${comparison.stepRatio[hoverPair].toFixed(3)}`}
          rows={
            hoverPair === null
              ? []
              : METHODS.map((m) => ({
                  key: m.key,
                  color: m.color,
                  name: names[m.key],
                  value: `${comparison[m.key].angularStep[hoverPair].toExponential(3)} rad/token`,
                }))
          }
          hint="Hover the chart to compare the per-token angle of each method at a pair."
        />
      }
      explanation={
        <p>
          Extending the context from {formatTokens(settings.baseContext)} to {formatTokens(settings.targetContext)} tokens: PI divides every
          θᵢ by {formatNumber(settings.piFactor)}, so even the fastest pair moves only 1/
          {formatNumber(settings.piFactor)} radian per token and neighbouring positions crowd together. ABF raises the base instead; the
          fastest pairs keep their step, and ABF's step exceeds PI's on {comparison.abfFinerPairs} of {comparison.pairs} pairs (d ={' '}
          {headDim}, from the heat-map series). The three curves are this view's own configurations, set by the inputs above, not the series
          panel's.
        </p>
      }
      footer={
        <table className="data-table">
          <caption>Resolution of neighbouring positions</caption>
          <thead>
            <tr>
              <th scope="col">method</th>
              <th scope="col">‖e(m+1) − e(m)‖</th>
              <th scope="col">Δ needed to match the original's neighbour distance</th>
              <th scope="col">pairs turning fully within {formatTokens(settings.targetContext)}</th>
            </tr>
          </thead>
          <tbody>
            {METHODS.map((m) => (
              <tr key={m.key}>
                <th scope="row">
                  <span className="swatch" style={{ background: m.color }} aria-hidden="true" />
                  {names[m.key]}
                </th>
                <td>{comparison[m.key].adjacentDistance.toFixed(4)}</td>
                <td>{comparison[m.key].minDistinguishableDistance.toFixed(3)} tokens</td>
                <td>
                  {comparison[m.key].fullTurnPairsInTarget} / {comparison.pairs}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      }
      chart={(size) => {
        const box = plotBox(
          size.width,
          size.height,
          METHODS.map((m) => ({ key: m.key, name: names[m.key], color: m.color, dashed: m.dashed })),
        );
        const x = scaleLinear()
          .domain([0, comparison.pairs - 1])
          .range([0, box.innerWidth]);
        const steps = METHODS.flatMap((m) => comparison[m.key].angularStep);
        const y = scaleLog()
          .domain([Math.min(...steps) * 0.7, Math.max(...steps) * 1.4])
          .range([box.innerHeight, 0]);
        const path = line<number>()
          .x((_, i) => x(i))
          .y((v) => y(v));
        return (
          <ChartSvg box={box} title="Per-token rotation angle per pair" svgRef={svgRef}>
            <BottomAxis ticks={linearTicks(x, 8)} x={x} box={box} label="pair index i" />
            <LeftAxis ticks={logTicks(y)} y={y} box={box} label="angle per token θᵢ (radians/token)" />
            {METHODS.map((m) => (
              <path
                key={m.key}
                className="series"
                data-series={m.key}
                stroke={m.color}
                strokeDasharray={m.dashed ? '5 4' : undefined}
                d={path(comparison[m.key].angularStep) ?? ''}
              />
            ))}
            {hoverPair !== null && (
              <line className="crosshair" data-export="skip" x1={x(hoverPair)} x2={x(hoverPair)} y1={0} y2={box.innerHeight} />
            )}
            <rect
              width={box.innerWidth}
              height={box.innerHeight}
              fill="transparent"
              data-export="skip"
              onPointerMove={(e) => setHoverPair(Math.max(0, Math.min(comparison.pairs - 1, Math.round(x.invert(pointerX(e))))))}
              onPointerLeave={() => setHoverPair(null)}
              aria-label="Read the per-token angles at a pair (arrow keys)"
              {...keyboardHover(hoverPair, comparison.pairs, setHoverPair)}
            />
          </ChartSvg>
        );
      }}
    />
  );
}
