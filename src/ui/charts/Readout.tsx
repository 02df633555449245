// Hover readout beside a chart: a heading (the hovered x) and one line per series.
import type { ReactNode } from 'react';

export interface ReadoutRow {
  key: string;
  color?: string;
  name: string;
  value: ReactNode;
}

export function Readout({ heading, rows, hint }: { heading: ReactNode | null; rows: ReadoutRow[]; hint: string }) {
  if (heading === null) return <p className="readout-hint">{hint}</p>;
  return (
    <div className="readout-content">
      <div className="readout-heading">{heading}</div>
      <table className="readout-table">
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">
                {row.color && <span className="swatch" style={{ background: row.color }} aria-hidden="true" />}
                {row.name}
              </th>
              <td>{row.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** x position of a pointer event relative to the plot's overlay rectangle. */
export function pointerX(event: React.MouseEvent<SVGElement>): number {
  return event.clientX - event.currentTarget.getBoundingClientRect().left;
}

export function pointerY(event: React.MouseEvent<SVGElement>): number {
  return event.clientY - event.currentTarget.getBoundingClientRect().top;
}
