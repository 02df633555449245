// Number inputs for the sampling settings; ranges and hints come from SAMPLING_FIELDS so the store and
// the form agree on what is valid.
import { useLab } from '../LabStoreContext.tsx';
import { SAMPLING_FIELDS, type SamplingKey } from '../../state/modelPlayground.ts';
import { selectPlayground } from '../../state/modelStore.ts';

const KEYS = Object.keys(SAMPLING_FIELDS) as SamplingKey[];

export function SamplingControls() {
  const { sampling, status, actions } = useLab(selectPlayground);
  return (
    <fieldset className="playground-sampling" disabled={status !== 'idle'}>
      <legend>Sampling</legend>
      {KEYS.map((key) => {
        const field = SAMPLING_FIELDS[key];
        return (
          <label key={key} className="playground-field" title={field.hint}>
            <span>{field.label}</span>
            <input
              type="number"
              min={field.min}
              max={field.max}
              step={field.step}
              value={sampling[key]}
              onChange={(event) => actions.setSampling(key, event.target.valueAsNumber)}
            />
          </label>
        );
      })}
    </fieldset>
  );
}
