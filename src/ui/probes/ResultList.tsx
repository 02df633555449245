// The stored results (IndexedDB), newest first: pick one to show it, or delete it.
import { useLab } from '../LabStoreContext.tsx';
import { selectProbeActions, selectProbes, type StoredProbeResult } from '../../state/probeSlice.ts';

export function describeResult(r: StoredProbeResult): string {
  const { provenance } = r.result;
  const variants = r.request.variants.map((v) => v.label).join(', ');
  // when the variants ran on models of their own, their labels name the models
  return provenance.variantModels ? `${provenance.probe} · ${variants}` : `${provenance.probe} · ${provenance.model.name} · ${variants}`;
}

export function ResultList() {
  const { results, selectedId, storageError } = useLab(selectProbes);
  const { select, remove } = useLab(selectProbeActions);
  return (
    <section className="panel probe-results" aria-label="Stored probe results">
      <h2>Results</h2>
      {storageError && <p className="field-error">{storageError}</p>}
      {results.length === 0 && <p className="hint">No results yet: run a probe.</p>}
      <ul>
        {results.map((r) => (
          <li key={r.id} className={r.id === selectedId ? 'selected' : undefined}>
            <button type="button" className="link-button" aria-current={r.id === selectedId} onClick={() => select(r.id)}>
              {describeResult(r)}
            </button>
            <span className="hint">
              {' '}
              {new Date(r.result.provenance.finishedAt).toLocaleString()} · {(r.runMs / 1000).toFixed(1)} s
            </span>
            <button type="button" className="button small" aria-label={`Delete ${describeResult(r)}`} onClick={() => void remove(r.id)}>
              Delete
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
