// The models kept in the browser's private storage (OPFS): load one without downloading, or delete it.
import { useEffect } from 'react';
import { useLab } from '../LabStoreContext.tsx';
import { selectModel } from '../../state/modelStore.ts';
import { formatDate, formatMegabytes } from './format.ts';

export function CachedModels() {
  const { cached, cacheError, loading, actions } = useLab(selectModel);
  useEffect(() => {
    void actions.refreshCache();
  }, [actions]);
  return (
    <section className="model-cache" aria-label="Cached models">
      <h3>Cached in this browser</h3>
      {cacheError && <p className="model-cache-error">{cacheError}</p>}
      {cached.length === 0 && !cacheError && <p className="model-empty">No cached models yet: models you load are kept here.</p>}
      {cached.length > 0 && (
        <ul className="model-cache-list">
          {cached.map((m) => (
            <li key={m.name} className="model-cache-item">
              <span className="model-cache-name" title={m.source}>
                {m.name}
              </span>
              <span className="model-cache-meta">
                {formatMegabytes(m.size)} · {formatDate(m.savedAt)}
              </span>
              <button type="button" disabled={loading !== null} onClick={() => void actions.load({ kind: 'cache', name: m.name })}>
                Load
              </button>
              <button type="button" aria-label={`Delete ${m.name}`} onClick={() => void actions.deleteCached(m.name)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
