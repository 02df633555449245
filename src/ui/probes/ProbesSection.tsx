// The Probes section: settings, Run and the preset experiments on the left; progress, the result (or a
// preset's results side by side) and the stored results on the right. Opening it reads a shared `&probe=`
// or `?preset=` link (restoring stored results, or offering to run) and from then on keeps the address
// naming what is on screen; it also loads the built-in default model when no model was asked for yet.
import { useEffect } from 'react';
import type { ProbeRequest } from '../../probes/index.ts';
import { useLab, useLabStoreApi } from '../LabStoreContext.tsx';
import { selectActions } from '../../state/labStore.ts';
import { selectModelActions, selectModelInfo, selectModelLoading } from '../../state/modelStore.ts';
import { selectProbeActions, selectProbes, selectSelectedProbe } from '../../state/probeSlice.ts';
import { connectPresetUrl, presetBringsItsModel } from '../../state/presetUrl.ts';
import { connectProbeUrl } from '../../state/probeUrl.ts';
import { heldOutTexts } from './heldOutTexts.ts';
import { PresetPanel } from './PresetPanel.tsx';
import { modelWaitHint } from './ProbeModelStatus.tsx';
import { ProbeForm } from './ProbeForm.tsx';
import { ResultList } from './ResultList.tsx';
import { ResultView } from './ResultView.tsx';
import { RunProgress } from './RunProgress.tsx';
import { SuiteView } from './SuiteView.tsx';
import './probes.css';

export function ProbesSection() {
  const store = useLabStoreApi();
  const model = useLab(selectModelInfo);
  const modelLoading = useLab(selectModelLoading) !== null;
  const { loadDefault } = useLab(selectModelActions);
  const { error, notice, pending, pendingSuite, running, suite } = useLab(selectProbes);
  const selected = useLab(selectSelectedProbe);
  const { run, runSuite, dismissError } = useLab(selectProbeActions);
  const { notify } = useLab(selectActions);
  useEffect(() => {
    const onInvalid = (message: string) => notify('error', message);
    const stopProbe = connectProbeUrl(store, onInvalid);
    const stopPreset = connectPresetUrl(store, heldOutTexts, onInvalid);
    return () => {
      stopProbe();
      stopPreset();
    };
  }, [store, notify]);
  useEffect(() => {
    if (!presetBringsItsModel(window.location.search)) void loadDefault();
  }, [loadDefault]);
  const start = (request: ProbeRequest) => void run(request);

  return (
    <div className="probes">
      <div className="probes-side">
        <ProbeForm model={model} onRun={start} />
        <PresetPanel />
      </div>
      <div className="probes-main">
        {pending && !running && (
          <div className="panel probe-pending" role="region" aria-label="Shared probe">
            <p>
              This link asks for a <strong>{pending.probe}</strong> probe under {pending.variants.map((v) => v.label).join(', ')}; no stored
              result matches it in this browser.
            </p>
            <button type="button" className="button primary" disabled={!model} onClick={() => start(pending)}>
              Run the shared probe
            </button>
            {!model && <span className="hint"> ({modelWaitHint(modelLoading)})</span>}
          </div>
        )}
        {pendingSuite && !running && !suite?.published && (
          <div className="panel probe-pending" role="region" aria-label="Shared experiment">
            <p>
              This link asks for the <strong>{pendingSuite.title}</strong> experiment at {pendingSuite.ctx.toLocaleString('en-US')} tokens (
              {pendingSuite.requests.map((r) => r.probe).join(', ')}); some of its results are not stored in this browser.
            </p>
            <button type="button" className="button primary" disabled={!model} onClick={() => void runSuite(pendingSuite)}>
              Run the experiment
            </button>
            {!model && <span className="hint"> ({modelWaitHint(modelLoading)})</span>}
          </div>
        )}
        <RunProgress />
        {(error || notice) && (
          <p className={error ? 'probe-message error' : 'probe-message'} role={error ? 'alert' : 'status'}>
            {error ?? notice}{' '}
            <button type="button" className="link-button" onClick={dismissError}>
              Dismiss
            </button>
          </p>
        )}
        {selected ? (
          <ResultView key={selected.id} record={selected} onError={(m) => notify('error', m)} />
        ) : (
          <SuiteView onError={(m) => notify('error', m)} />
        )}
        <ResultList />
      </div>
    </div>
  );
}
