// Pretrained chat models on Hugging Face (src/models/catalogue.ts): one click loads one through the URL
// path, which downloads it into the browser's storage once and reads it from there afterwards. Each row
// gives size and licence, and says whether the model is cached in this browser or loaded.
import { CATALOGUE, catalogueRepoUrl, catalogueUrl, type CatalogueModel } from '../../models/catalogue.ts';
import { useLab } from '../LabStoreContext.tsx';
import { selectModel } from '../../state/modelStore.ts';

function formatSize(model: CatalogueModel): string {
  const { bytes } = model;
  const size = bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(0)} MB`;
  return model.bytesApproximate ? `about ${size}` : size;
}

export function ModelCatalogue() {
  const { cached, source, info, loading, actions } = useLab(selectModel);
  const cachedSources = new Set(cached.map((m) => m.source));
  return (
    <section className="model-catalogue" aria-label="Model catalogue">
      <h3>Chat models from Hugging Face</h3>
      <p className="model-source-hint">Downloaded once into this browser’s storage, then loaded from there without downloading.</p>
      <ul className="model-builtin-list">
        {CATALOGUE.map((m) => {
          const url = catalogueUrl(m);
          const loaded = info !== null && source === url;
          const isCached = cachedSources.has(url);
          return (
            <li key={m.id} className={loaded ? 'model-builtin loaded' : 'model-builtin'} data-model={m.id}>
              <div className="model-builtin-text">
                <span className="model-builtin-title">{m.title}</span>
                <span className="model-builtin-description">{m.description}</span>
                <span className="model-builtin-facts">
                  {m.parameters} parameters · {m.quant} · {formatSize(m)} ·{' '}
                  <a href={m.licence.url} target="_blank" rel="noreferrer">
                    {m.licence.name}
                  </a>{' '}
                  ·{' '}
                  <a href={catalogueRepoUrl(m)} target="_blank" rel="noreferrer">
                    {m.repo}
                  </a>
                </span>
                {m.licence.note && <span className="model-catalogue-note">{m.licence.note}</span>}
              </div>
              {(loaded || isCached) && <span className="model-builtin-state">{loaded ? 'Loaded' : 'Cached'}</span>}
              {!loaded && (
                <button
                  type="button"
                  aria-label={`Load ${m.title}`}
                  disabled={loading !== null}
                  onClick={() => void actions.load({ kind: 'url', url })}
                >
                  Load
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
