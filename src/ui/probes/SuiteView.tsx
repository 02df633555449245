// A preset experiment's results side by side, each in the usual result view; a request still to run
// holds its place.
import { useMemo } from 'react';
import { useLab } from '../../state/LabStoreContext.tsx';
import { selectProbes } from '../../state/probeSlice.ts';
import { ResultView } from './ResultView.tsx';

export function SuiteView({ onError }: { onError(message: string): void }) {
  const { suite, results } = useLab(selectProbes);
  const records = useMemo(() => suite?.resultIds.map((id) => results.find((r) => r.id === id) ?? null) ?? [], [suite, results]);
  if (!suite) return null;
  const { title, ctx, requests } = suite.suite;
  return (
    <section className="panel probe-suite" aria-label={`${title} results`}>
      <h2>{title} · {ctx.toLocaleString('en-US')} tokens</h2>
      <div className="probe-suite-grid">
        {records.map((record, i) =>
          record ? (
            <ResultView key={record.id} record={record} onError={onError} />
          ) : (
            <p key={requests[i].probe} className="hint probe-suite-waiting">{requests[i].probe}: not run yet</p>
          ),
        )}
      </div>
    </section>
  );
}
