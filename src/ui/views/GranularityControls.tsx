// Inputs of the ABF-vs-PI comparison; each is checked before it reaches the store.
import { useLab } from '../LabStoreContext.tsx';
import { LIMITS, type GranularitySettings } from '../../state/experiment.ts';
import { selectActions, selectGranularity } from '../../state/labStore.ts';
import { NumberField, type InputSpec } from '../editor/fields.tsx';

type Key = keyof GranularitySettings;

const SPECS: Array<{ key: Key; label: string; help: string; integer?: boolean }> = [
  { key: 'origBase', label: 'original base', help: 'Base of the model before extension (Llama 2: 10,000).' },
  { key: 'abfBase', label: 'ABF base', help: 'Adjusted base (Llama 2 Long: 500,000).' },
  { key: 'piFactor', label: 'PI factor s', help: 'Position interpolation factor (usually target/trained).' },
  { key: 'baseContext', label: 'trained context', help: 'Context the model was trained on (tokens).', integer: true },
  { key: 'targetContext', label: 'target context', help: 'Context after extension (tokens).', integer: true },
];

function problem(settings: GranularitySettings): string | null {
  if (settings.origBase <= 1 || settings.abfBase <= 1) return 'bases must be > 1';
  if (settings.piFactor <= 0) return 'the PI factor must be > 0';
  for (const key of ['baseContext', 'targetContext'] as const)
    if (settings[key] < 1 || settings[key] > LIMITS.maxContext) return `contexts must be in 1..${LIMITS.maxContext}`;
  if (settings.targetContext <= settings.baseContext) return 'the target context must exceed the trained context';
  return null;
}

export function GranularityControls() {
  const settings = useLab(selectGranularity);
  const { setGranularity } = useLab(selectActions);
  return (
    <div className="field-row">
      {SPECS.map((s) => {
        const spec: InputSpec = { label: s.label, help: s.help, required: true, integer: s.integer };
        return (
          <NumberField
            key={s.key}
            spec={spec}
            value={settings[s.key]}
            onPropose={(value) => {
              const next = { ...settings, [s.key]: value };
              const error = problem(next);
              if (!error) setGranularity(next, s.key);
              return error;
            }}
          />
        );
      })}
    </div>
  );
}
