// The probe running now: a progress bar over its forward passes, what it is doing, the time it has left
// (from its measured speed, src/probes/eta.ts; each step of a preset experiment has its own), and Cancel.
// A preset experiment's steps share one bar: step i of n fills the i-th n-th.
import { useEffect, useState } from 'react';
import { estimateTimeLeft, formatTimeLeft } from '../../probes/eta.ts';
import { useLab } from '../LabStoreContext.tsx';
import { selectProbeActions, selectProbes } from '../../state/probeSlice.ts';

/** performance.now(), refreshed every second while `active`, so the estimate counts down between reports. */
function useClock(active: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(performance.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

export function RunProgress() {
  const { running } = useLab(selectProbes);
  const { cancel } = useLab(selectProbeActions);
  const clock = useClock(running !== null);
  if (!running) return null;
  const { progress, step, speed } = running;
  const fraction = progress && progress.total > 0 ? progress.done / progress.total : 0;
  // a report newer than the last tick is "now" too
  const now = Math.max(clock, speed.last?.at ?? 0);
  const left = progress ? ` · ${formatTimeLeft(estimateTimeLeft(speed, progress.total, now))}` : '';
  const what = `${running.request.probe}: ${progress ? `${progress.done}/${progress.total} · ${progress.label}` : 'starting…'}`;
  return (
    <div className="panel probe-progress" role="status" aria-label="Probe progress">
      <div className="probe-progress-line">
        <span>
          {step ? `${step.title} · step ${step.index + 1} of ${step.count} · ${what}` : what}
          <span className="probe-eta" data-testid="probe-eta">
            {left}
          </span>
        </span>
        <button type="button" className="button small" onClick={cancel}>
          Cancel
        </button>
      </div>
      {step ? (
        <progress max={step.count} value={step.index + fraction} />
      ) : (
        <progress max={progress?.total || 1} value={progress?.done ?? 0} />
      )}
    </div>
  );
}
