// Probes across models from the form: tick the lab's own models to run each as one more variant (under
// its own RoPE) beside the loaded model's variants, so one run compares the family.
import { useEffect } from 'react';
import { useLab } from '../LabStoreContext.tsx';
import { selectModel } from '../../state/modelStore.ts';

export function ModelVariantPicker({ chosen, onChange }: { chosen: string[]; onChange(names: string[]): void }) {
  const { builtins, actions } = useLab(selectModel);
  useEffect(() => {
    void actions.refreshBuiltins();
  }, [actions]);
  if (!builtins) return null;
  const toggle = (name: string, on: boolean) =>
    onChange(on ? builtins.models.map((m) => m.name).filter((n) => n === name || chosen.includes(n)) : chosen.filter((n) => n !== name));
  return (
    <fieldset className="probe-variants">
      <legend>Also on the lab’s models</legend>
      <div className="probe-model-choices">
        {builtins.models.map((m) => (
          <label key={m.name} title={m.description}>
            <input type="checkbox" checked={chosen.includes(m.name)} onChange={(e) => toggle(m.name, e.target.checked)} /> {m.name}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
