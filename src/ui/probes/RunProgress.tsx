// The probe running now: a progress bar over its forward passes, what it is doing, and Cancel.
import { useLab } from '../../state/LabStoreContext.tsx';
import { selectProbeActions, selectProbes } from '../../state/probeSlice.ts';

export function RunProgress() {
  const { running } = useLab(selectProbes);
  const { cancel } = useLab(selectProbeActions);
  if (!running) return null;
  const { progress } = running;
  return (
    <div className="panel probe-progress" role="status" aria-label="Probe progress">
      <div className="probe-progress-line">
        <span>{running.request.probe}: {progress ? `${progress.done}/${progress.total} · ${progress.label}` : 'starting…'}</span>
        <button type="button" className="button small" onClick={cancel}>Cancel</button>
      </div>
      <progress max={progress?.total || 1} value={progress?.done ?? 0} />
    </div>
  );
}
