// Small status text: how long the last analytics recompute took (measured with performance.now).
import { useLab } from '../../state/LabStoreContext.tsx';
import { selectRecompute } from '../../state/labStore.ts';

export function StatusLine() {
  const report = useLab(selectRecompute);
  return (
    <p className="status-line" data-testid="recompute-status">
      {report === null ? 'Computing…' : `Last recompute: ${report.milliseconds.toFixed(1)} ms (${report.where})`}
    </p>
  );
}
