// Small status text: how long the last analytics recompute took (measured with performance.now).
import { useLab } from '../../state/LabStoreContext.tsx';
import { selectRecomputeMs } from '../../state/labStore.ts';

export function StatusLine() {
  const milliseconds = useLab(selectRecomputeMs);
  return (
    <p className="status-line" data-testid="recompute-status">
      {milliseconds === null ? 'Computing…' : `Last recompute: ${milliseconds.toFixed(1)} ms`}
    </p>
  );
}
