// A small labelled heatmap of values in [0, 1] (passkey accuracy: context length × depth), one cell per
// value with its number written in, so a failure reads as clearly as a success.
import { interpolateBlues } from 'd3';
import { ChartSvg, MARGIN, plotBox } from '../../charts/chartKit.tsx';

export interface HeatmapProps {
  title: string;
  rows: string[];
  columns: string[];
  /** values[row][column] in [0, 1]. */
  values: number[][];
  rowLabel: string;
  columnLabel: string;
}

const CELL_W = 64;
const CELL_H = 28;

export function Heatmap({ title, rows, columns, values, rowLabel, columnLabel }: HeatmapProps) {
  const box = plotBox(MARGIN.left + MARGIN.right + columns.length * CELL_W, MARGIN.top + MARGIN.bottom + rows.length * CELL_H);
  return (
    <ChartSvg box={box} title={title}>
      {values.map((row, r) =>
        row.map((v, c) => (
          <g key={`${r}-${c}`} transform={`translate(${c * CELL_W},${r * CELL_H})`}>
            <rect width={CELL_W - 2} height={CELL_H - 2} fill={interpolateBlues(0.1 + 0.85 * v)} />
            <text
              x={CELL_W / 2}
              y={CELL_H / 2}
              dy="0.32em"
              textAnchor="middle"
              className="tick-label cell-value"
              style={{ fill: v > 0.6 ? '#fff' : '#1f2933' }}
            >
              {Math.round(v * 100)}%
            </text>
          </g>
        )),
      )}
      {rows.map((label, r) => (
        <text key={label} className="tick-label" x={-8} y={r * CELL_H + CELL_H / 2} dy="0.32em" textAnchor="end">
          {label}
        </text>
      ))}
      {columns.map((label, c) => (
        <text key={label} className="tick-label" x={c * CELL_W + CELL_W / 2} y={rows.length * CELL_H + 14} textAnchor="middle">
          {label}
        </text>
      ))}
      <text className="axis-label" x={(columns.length * CELL_W) / 2} y={rows.length * CELL_H + 36} textAnchor="middle">
        {columnLabel}
      </text>
      <text
        className="axis-label"
        transform={`translate(${-MARGIN.left + 14},${(rows.length * CELL_H) / 2}) rotate(-90)`}
        textAnchor="middle"
      >
        {rowLabel}
      </text>
    </ChartSvg>
  );
}
