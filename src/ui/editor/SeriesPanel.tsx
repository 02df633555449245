// The list of series with add-from-preset, and add-the-loaded-model when a model is loaded.
import { useState } from 'react';
import { ROPE_PRESETS } from '../../rope/index.ts';
import { useLab } from '../LabStoreContext.tsx';
import { LIMITS } from '../../state/experiment.ts';
import { selectActions, selectSeries } from '../../state/labStore.ts';
import { selectModelInfo } from '../../state/modelStore.ts';
import { SeriesCard } from './SeriesCard.tsx';

export function SeriesPanel() {
  const series = useLab(selectSeries);
  const { addSeries, addModelSeries } = useLab(selectActions);
  const model = useLab(selectModelInfo);
  const [presetId, setPresetId] = useState(ROPE_PRESETS[0].id);
  const canAdd = series.length < LIMITS.maxSeries;
  return (
    <section className="panel" aria-labelledby="series-heading">
      <h2 id="series-heading">Configurations</h2>
      <div className="series-list">
        {series.map((s, i) => (
          <SeriesCard key={s.id} series={s} index={i} canAdd={canAdd} canRemove={series.length > 1} />
        ))}
      </div>
      <div className="add-series">
        <select aria-label="Preset for the new series" value={presetId} onChange={(e) => setPresetId(e.target.value)}>
          {ROPE_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
        <button type="button" className="button" disabled={!canAdd} onClick={() => addSeries(presetId)}>
          Add series
        </button>
      </div>
      {model && (
        <div className="add-series">
          <button
            type="button"
            className="button"
            disabled={!canAdd}
            title={`Its RoPE as series: ${model.name}`}
            onClick={() => addModelSeries(model)}
          >
            Add the loaded model
          </button>
        </div>
      )}
      {!canAdd && <p className="hint">At most {LIMITS.maxSeries} series.</p>}
    </section>
  );
}
