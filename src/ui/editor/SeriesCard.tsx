// Editor of one series: name, colour, preset, rope type and every field that type uses, plus a log
// slider for the base. Each edit is validated with validateRopeConfig before it reaches the store.
import { memo } from 'react';
import { ROPE_PRESETS, ROPE_TYPES, validateRopeConfig, type RopeConfig, type RopeType } from '../../rope/index.ts';
import { useLab } from '../LabStoreContext.tsx';
import { LIMITS } from '../../state/experiment.ts';
import { selectActions, type Series } from '../../state/labStore.ts';
import { COMMON_FIELDS, configForType, TYPE_FIELDS, TYPE_LABELS, withField, type FieldSpec } from './configFields.ts';
import { BooleanField, ListField, NumberField } from './fields.tsx';
import { DuplicateIcon, RemoveIcon } from './icons.tsx';
import { PretrainedFields } from './PretrainedFields.tsx';

const BASE_SLIDER = { min: 1, max: 7, step: 0.01 } as const;

/** Memoised: dragging one series' slider re-renders only that card. */
export const SeriesCard = memo(function SeriesCard(props: { series: Series; index: number; canAdd: boolean; canRemove: boolean }) {
  const { series, index, canAdd, canRemove } = props;
  const { setSeriesConfig, setSeriesPretrained, renameSeries, recolorSeries, applyPreset, duplicateSeries, removeSeries } =
    useLab(selectActions);
  const { config } = series;

  /** Applies a candidate config if it validates; otherwise returns the reason (shown by the field). */
  const propose = (candidate: RopeConfig, control: string): string | null => {
    const checked = validateRopeConfig(candidate);
    if (!checked.ok) return checked.error;
    setSeriesConfig(series.id, checked.config, control);
    return null;
  };
  const fieldInput = (spec: FieldSpec) => {
    const value = config[spec.key as keyof RopeConfig];
    const onPropose = (v: number | number[] | boolean | undefined) => propose(withField(config, spec.key, v), spec.key);
    if (spec.key === 'truncate')
      return <BooleanField key={spec.key} spec={spec} value={value as boolean | undefined} onPropose={onPropose} />;
    if (spec.key === 'shortFactor' || spec.key === 'longFactor')
      return <ListField key={spec.key} spec={spec} value={value as number[] | undefined} onPropose={onPropose} />;
    return <NumberField key={spec.key} spec={spec} value={value as number | undefined} onPropose={onPropose} />;
  };
  const label = `series ${index + 1}`;

  return (
    <article className="series-card" style={{ borderLeftColor: series.color }} aria-label={`Series ${index + 1}`}>
      <div className="series-head">
        <input
          type="color"
          className="color-input"
          aria-label={`Colour of ${label}`}
          value={series.color}
          onChange={(e) => /^#[0-9a-f]{6}$/i.test(e.target.value) && recolorSeries(series.id, e.target.value.toLowerCase())}
        />
        <input
          type="text"
          className="name-input"
          aria-label={`Name of ${label}`}
          maxLength={LIMITS.maxNameLength}
          value={series.name}
          onChange={(e) => renameSeries(series.id, e.target.value.slice(0, LIMITS.maxNameLength))}
        />
        <button
          type="button"
          className="icon-button"
          title="Duplicate"
          aria-label={`Duplicate ${label}`}
          disabled={!canAdd}
          onClick={() => duplicateSeries(series.id)}
        >
          <DuplicateIcon />
        </button>
        <button
          type="button"
          className="icon-button"
          title="Remove"
          aria-label={`Remove ${label}`}
          disabled={!canRemove}
          onClick={() => removeSeries(series.id)}
        >
          <RemoveIcon />
        </button>
      </div>
      <div className="series-row">
        <label className="compact">
          preset
          <select aria-label={`Preset for ${label}`} value="" onChange={(e) => e.target.value && applyPreset(series.id, e.target.value)}>
            <option value="">load…</option>
            {ROPE_PRESETS.map((p) => (
              <option key={p.id} value={p.id} title={p.description}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <label className="compact">
          type
          <select
            aria-label={`RoPE type of ${label}`}
            value={config.type}
            onChange={(e) => propose(configForType(config, e.target.value as RopeType), 'type')}
          >
            {ROPE_TYPES.map((t) => (
              <option key={t} value={t}>
                {TYPE_LABELS[t]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="field-grid">{[...COMMON_FIELDS, ...TYPE_FIELDS[config.type]].map(fieldInput)}</div>
      <PretrainedFields value={series.pretrained} ownBase={config.base} onChange={(p) => setSeriesPretrained(series.id, p)} />
      <label className="slider">
        <span>log₁₀ base</span>
        <input
          type="range"
          aria-label={`Base of ${label} (log scale)`}
          min={BASE_SLIDER.min}
          max={BASE_SLIDER.max}
          step={BASE_SLIDER.step}
          value={Math.min(BASE_SLIDER.max, Math.max(BASE_SLIDER.min, Math.log10(config.base)))}
          onChange={(e) => propose({ ...config, base: Number((10 ** Number(e.target.value)).toPrecision(4)) }, 'base')}
        />
      </label>
    </article>
  );
});
