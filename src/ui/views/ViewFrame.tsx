// The common frame of an analytics view: title, view controls, export buttons, the chart (sized to its
// container), a hover readout and the explanation. Embedded, only the chart and readout remain.
import { useRef, type ReactNode } from 'react';
import { useElementSize, type Size } from '../charts/useElementSize.ts';
import { CopyLinkButton } from '../export/CopyLinkButton.tsx';
import { ExportButtons } from '../export/ExportButtons.tsx';
import { useIsEmbedded } from '../PageModeContext.tsx';

export function ViewFrame(props: {
  title: string;
  controls?: ReactNode;
  readout: ReactNode;
  explanation: ReactNode;
  /** Below the chart, full width (tables). */
  footer?: ReactNode;
  chart: (size: Size) => ReactNode;
}) {
  const embedded = useIsEmbedded();
  const chartRef = useRef<HTMLDivElement>(null);
  const size = useElementSize(chartRef);
  const chart = (
    <div className="chart-area" ref={chartRef}>
      {size.width > 0 && size.height > 0 && props.chart(size)}
    </div>
  );
  if (embedded) {
    return (
      <section className="view view-embedded" aria-label={props.title}>
        {chart}
        <div className="readout readout-embedded" aria-live="polite">
          {props.readout}
        </div>
      </section>
    );
  }
  return (
    <section className="view" aria-label={props.title}>
      <header className="view-head">
        <h2>{props.title}</h2>
        <div className="view-actions">
          <CopyLinkButton />
          <ExportButtons />
        </div>
      </header>
      {props.controls && <div className="view-controls">{props.controls}</div>}
      <div className="view-body">
        {chart}
        <aside className="view-side">
          <div className="readout" aria-live="polite">
            {props.readout}
          </div>
          <div className="explanation">{props.explanation}</div>
        </aside>
      </div>
      {props.footer && <div className="view-footer">{props.footer}</div>}
    </section>
  );
}
