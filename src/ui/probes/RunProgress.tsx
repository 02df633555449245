// The probe running now: a progress bar over its forward passes, what it is doing, and Cancel. A preset
// experiment's steps share one bar: step i of n fills the i-th n-th.
import { useLab } from '../../state/LabStoreContext.tsx';
import { selectProbeActions, selectProbes } from '../../state/probeSlice.ts';

export function RunProgress() {
  const { running } = useLab(selectProbes);
  const { cancel } = useLab(selectProbeActions);
  if (!running) return null;
  const { progress, step } = running;
  const fraction = progress && progress.total > 0 ? progress.done / progress.total : 0;
  const what = `${running.request.probe}: ${progress ? `${progress.done}/${progress.total} · ${progress.label}` : 'starting…'}`;
  return (
    <div className="panel probe-progress" role="status" aria-label="Probe progress">
      <div className="probe-progress-line">
        <span>{step ? `${step.title} · step ${step.index + 1} of ${step.count} · ${what}` : what}</span>
        <button type="button" className="button small" onClick={cancel}>Cancel</button>
      </div>
      {step
        ? <progress max={step.count} value={step.index + fraction} />
        : <progress max={progress?.total || 1} value={progress?.done ?? 0} />}
    </div>
  );
}
