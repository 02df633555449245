// The Probes section: settings and Run on the left; progress, the result on screen and the stored
// results on the right. Opening it reads a shared `&probe=` link (restoring its stored result, or
// offering to run it) and from then on keeps that parameter naming what is on screen.
import { useEffect } from 'react';
import type { ProbeRequest } from '../../probes/index.ts';
import { useLab, useLabStoreApi } from '../../state/LabStoreContext.tsx';
import { selectActions } from '../../state/labStore.ts';
import { selectModelInfo } from '../../state/modelStore.ts';
import { selectProbeActions, selectProbes, selectSelectedProbe } from '../../state/probeSlice.ts';
import { connectProbeUrl } from '../../state/probeUrl.ts';
import { ProbeForm } from './ProbeForm.tsx';
import { ResultList } from './ResultList.tsx';
import { ResultView } from './ResultView.tsx';
import { RunProgress } from './RunProgress.tsx';
import './probes.css';

export function ProbesSection() {
  const store = useLabStoreApi();
  const model = useLab(selectModelInfo);
  const { error, notice, pending, running } = useLab(selectProbes);
  const selected = useLab(selectSelectedProbe);
  const { run, dismissError } = useLab(selectProbeActions);
  const { notify } = useLab(selectActions);
  useEffect(() => connectProbeUrl(store, (message) => notify('error', message)), [store, notify]);
  const start = (request: ProbeRequest) => void run(request);

  return (
    <div className="probes">
      <div className="probes-side">
        <ProbeForm model={model} onRun={start} />
      </div>
      <div className="probes-main">
        {pending && !running && (
          <div className="panel probe-pending" role="region" aria-label="Shared probe">
            <p>This link asks for a <strong>{pending.probe}</strong> probe under {pending.variants.map((v) => v.label).join(', ')}; no stored result matches it in this browser.</p>
            <button type="button" className="button primary" disabled={!model} onClick={() => start(pending)}>Run the shared probe</button>
            {!model && <span className="hint"> (load a model first)</span>}
          </div>
        )}
        <RunProgress />
        {(error || notice) && (
          <p className={error ? 'probe-message error' : 'probe-message'} role={error ? 'alert' : 'status'}>
            {error ?? notice} <button type="button" className="link-button" onClick={dismissError}>Dismiss</button>
          </p>
        )}
        {selected && <ResultView key={selected.id} record={selected} onError={(m) => notify('error', m)} />}
        <ResultList />
      </div>
    </div>
  );
}
