// Small status text: how long the last analytics recompute took (measured with performance.now). Empty
// until the analytics first compute: a page opened on the model or the probes computes none, and every
// analytics view reports as soon as it has drawn, so a "computing" text here could only go stale.
import { useLab } from '../LabStoreContext.tsx';
import { selectRecompute } from '../../state/labStore.ts';

export function StatusLine() {
  const report = useLab(selectRecompute);
  return (
    <p className="status-line" data-testid="recompute-status">
      {report === null ? '' : `Last recompute: ${report.milliseconds.toFixed(1)} ms (${report.where})`}
    </p>
  );
}
