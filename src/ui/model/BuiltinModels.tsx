// The lab's own model family (public/models/): one row per model with what it is, how it was trained and
// its size, and a button to load it. Fetched from the page's own origin; the loaded one is marked.
import { useEffect } from 'react';
import { builtinRef, type BuiltinModel } from '../../models/builtin.ts';
import { useLab } from '../LabStoreContext.tsx';
import { selectModel } from '../../state/modelStore.ts';
import { formatMegabytes } from './format.ts';

function facts(model: BuiltinModel): string {
  const stage = model.stage === 'pretraining' ? 'pretrained' : `continued from ${model.from ?? 'pretraining'}`;
  const size = model.bytes === null ? '' : ` · ${formatMegabytes(model.bytes)}`;
  return `${stage} · ${model.trainedContext.toLocaleString('en-US')} tokens · RoPE ${model.rope}${size}`;
}

export function BuiltinModels() {
  const { builtins, builtinsError, source, info, loading, actions } = useLab(selectModel);
  useEffect(() => {
    void actions.refreshBuiltins();
  }, [actions]);
  return (
    <section className="model-builtins" aria-label="Built-in models">
      <h3>The lab’s models</h3>
      {builtinsError && (
        <p className="model-cache-error" role="alert">
          {builtinsError}
        </p>
      )}
      {!builtins && !builtinsError && <p className="model-empty">Reading the list…</p>}
      {builtins && (
        <ul className="model-builtin-list">
          {builtins.models.map((m) => {
            const loaded = info !== null && source === builtinRef(m.name);
            return (
              <li key={m.name} className={loaded ? 'model-builtin loaded' : 'model-builtin'} data-model={m.name}>
                <div className="model-builtin-text">
                  <span className="model-builtin-title">{m.title}</span>
                  <span className="model-builtin-description">{m.description}</span>
                  <span className="model-builtin-facts">{facts(m)}</span>
                </div>
                {loaded ? (
                  <span className="model-builtin-state">Loaded</span>
                ) : (
                  <button
                    type="button"
                    aria-label={`Load ${m.title}`}
                    disabled={loading !== null}
                    onClick={() => void actions.load({ kind: 'builtin', name: m.name })}
                  >
                    Load
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
