// A preset experiment's results side by side, each in the usual result view; a request still to run
// holds its place. A run published with the page (measured on a real GPU) is shown with where and when it
// ran, and one click re-runs it here — loading the model the preset is written for first when need be.
import { useMemo } from 'react';
import { presetModelMismatch } from '../../probes/index.ts';
import { useLab, useLabStoreApi } from '../LabStoreContext.tsx';
import { selectModelInfo } from '../../state/modelStore.ts';
import { selectProbes, type PublishedSuite, type ShownSuite } from '../../state/probeSlice.ts';
import { ResultView } from './ResultView.tsx';
import { presetCatalogueEntry, runPresetOnItsModel } from './runPreset.ts';

export function SuiteView({ onError }: { onError(message: string): void }) {
  const { suite, results } = useLab(selectProbes);
  const records = useMemo(
    () => suite?.published?.records ?? suite?.resultIds.map((id) => results.find((r) => r.id === id) ?? null) ?? [],
    [suite, results],
  );
  if (!suite) return null;
  const { title, ctx, requests } = suite.suite;
  return (
    <section className="panel probe-suite" aria-label={`${title} results`}>
      <h2>
        {title} · {ctx.toLocaleString('en-US')} tokens
      </h2>
      {suite.published && <PublishedBanner shown={suite} published={suite.published} />}
      <div className="probe-suite-grid">
        {records.map((record, i) =>
          record ? (
            <ResultView key={record.id} record={record} onError={onError} />
          ) : (
            <p key={requests[i].probe + i} className="hint probe-suite-waiting">
              {requests[i].probe}: not run yet
            </p>
          ),
        )}
      </div>
    </section>
  );
}

function PublishedBanner({ shown, published }: { shown: ShownSuite; published: PublishedSuite }) {
  const store = useLabStoreApi();
  const info = useLab(selectModelInfo);
  const { running } = useLab(selectProbes);
  const needed = shown.suite.model;
  const entry = presetCatalogueEntry(shown.suite);
  const fits = !needed || (info !== null && presetModelMismatch(needed, info) === null);
  const date = new Date(published.measuredAt).toISOString().slice(0, 10);
  const rerun = () => runPresetOnItsModel(store, shown.suite);

  return (
    <div className="probe-published" role="note" aria-label="Published run">
      <p>
        Measured on <strong>{published.device}</strong> on {date} ({published.model.name}
        {published.model.sha256 ? `, file sha256 ${published.model.sha256.slice(0, 12)}` : ''}, {published.kvCache} KV cache
        {published.commit ? `, lab commit ${published.commit}` : ''}). Nothing here ran in your browser yet.
      </p>
      <button type="button" className="button primary" disabled={running !== null || (!fits && !entry)} onClick={() => void rerun()}>
        {fits ? 'Re-run on your GPU' : `Load ${entry?.title ?? needed?.name} and re-run on your GPU`}
      </button>
      {!fits && entry && (
        <span className="hint">
          {' '}
          ({(entry.bytes / 1e6).toFixed(0)} MB download unless cached; the run at {shown.suite.ctx.toLocaleString('en-US')} tokens takes
          minutes on a fast GPU)
        </span>
      )}
    </div>
  );
}
