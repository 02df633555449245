// "Pretrained with": the plain RoPE base and context the series' model was pretrained with. An ABF or PI
// series extends a model pretrained elsewhere (Llama 2: base 10K at 4K), and Liu et al.'s critical
// dimension is fixed by that pretraining, not by the series' own base. Both empty: the series' own base and
// the first marked context.
import { useState } from 'react';
import type { PretrainedWith } from '../../state/experiment.ts';
import { LIMITS } from '../../state/experiment.ts';
import { NumberField, type InputSpec } from './fields.tsx';

const BASE: InputSpec = { label: 'pretrained base', help: 'RoPE base of pretraining (empty: this series’ own base).' };
const CONTEXT: InputSpec = {
  label: 'pretrained context',
  help: 'Context length of pretraining, in tokens (empty: the first marked context).',
  integer: true,
};

export function PretrainedFields(props: {
  value: PretrainedWith | undefined;
  ownBase: number;
  onChange: (value: PretrainedWith | undefined) => void;
}) {
  const { value, ownBase, onChange } = props;
  // what was typed, kept while only one of the two is given (only complete pairs reach the store)
  const [typed, setTyped] = useState<{ base?: number; context?: number }>(value ?? {});
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    setTyped(value ?? {});
  }
  const propose = (next: { base?: number; context?: number }): string | null => {
    setTyped(next);
    if (next.base === undefined && next.context === undefined) {
      onChange(undefined);
      return null;
    }
    const base = next.base ?? ownBase;
    if (next.context === undefined) return 'give the pretraining context too';
    if (!(base > 1)) return 'the base must be > 1';
    if (next.context < 1 || next.context > LIMITS.maxContext) return `the context must be 1..${LIMITS.maxContext}`;
    onChange({ base, context: next.context });
    return null;
  };
  return (
    <div className="field-grid pretrained-fields" role="group" aria-label="pretrained with">
      <NumberField spec={BASE} value={value?.base} onPropose={(base) => propose({ base, context: typed.context })} />
      <NumberField spec={CONTEXT} value={value?.context} onPropose={(context) => propose({ base: typed.base, context })} />
    </div>
  );
}
