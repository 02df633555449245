// RoPE variant chips: the model's own RoPE is always first; each override chip has a kind and a factor.
import { useState } from 'react';
import { VARIANT_KINDS, type VariantChoice, type VariantKind } from './variants.ts';

export function VariantPicker({ choices, onChange }: { choices: VariantChoice[]; onChange(choices: VariantChoice[]): void }) {
  const [kind, setKind] = useState<VariantKind>('base');
  const [factor, setFactor] = useState(4);
  const label = (c: VariantChoice) => `${VARIANT_KINDS.find((k) => k.kind === c.kind)!.label.replace('k', String(c.factor))}`;
  return (
    <fieldset className="probe-variants">
      <legend>RoPE variants</legend>
      <ul className="chip-list" aria-label="RoPE variants">
        <li className="chip">own RoPE</li>
        {choices.map((c, i) => (
          <li key={`${c.kind}-${c.factor}-${i}`} className="chip">
            {label(c)}
            <button type="button" aria-label={`Remove ${label(c)}`} onClick={() => onChange(choices.filter((_, j) => j !== i))}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <div className="probe-variant-add">
        <select aria-label="Override kind" value={kind} onChange={(e) => setKind(e.target.value as VariantKind)}>
          {VARIANT_KINDS.map((k) => (
            <option key={k.kind} value={k.kind} title={k.hint}>
              {k.label}
            </option>
          ))}
        </select>
        <label>
          k{' '}
          <input
            aria-label="Override factor"
            type="number"
            min={0}
            step="any"
            value={factor}
            onChange={(e) => setFactor(Number(e.target.value))}
          />
        </label>
        <button
          type="button"
          className="button small"
          disabled={choices.length >= 7}
          onClick={() => onChange([...choices, { kind, factor }])}
        >
          Add variant
        </button>
      </div>
    </fieldset>
  );
}
