// What the probes are waiting for while no model is loaded: the load in progress (stage and bytes), or,
// when none is running (it failed or was cancelled), why, and a button that loads the lab's default
// model. The model's error is the Model panel's alert; here it is plain text, so it is announced once.
import { useLab } from '../LabStoreContext.tsx';
import { selectModel } from '../../state/modelStore.ts';
import { formatMegabytes, stageLabel } from '../model/format.ts';

/** The short reason a run button is disabled while no model is loaded. */
export function modelWaitHint(loading: boolean): string {
  return loading ? 'the model is loading…' : 'no model is loaded';
}

export function ProbeModelStatus() {
  const { info, loading, error, builtins, actions } = useLab(selectModel);
  if (info) return null;
  if (loading) {
    const { loadedBytes, totalBytes, stage, label } = loading;
    const percent = totalBytes > 0 ? Math.min(100, (100 * loadedBytes) / totalBytes) : null;
    return (
      <div className="probe-model-status" role="status" aria-label="Model for the probes" title={label}>
        <span>
          Loading the model… {stageLabel(stage)}
          {percent !== null && ` · ${formatMegabytes(loadedBytes)} of ${formatMegabytes(totalBytes)} (${percent.toFixed(0)}%)`}
        </span>
        <progress max={100} value={percent ?? undefined} />
      </div>
    );
  }
  const name = builtins?.default ?? 'default';
  return (
    <div className="probe-model-status" role="status" aria-label="Model for the probes">
      <span>{error ? `No model is loaded (${error})` : 'No model is loaded.'}</span>{' '}
      <button type="button" className="button small" onClick={() => void actions.load({ kind: 'builtin' })}>
        Load the lab’s {name} model
      </button>
    </div>
  );
}
