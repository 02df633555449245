// The RoPE variants a visitor picks for a probe: the model's own RoPE plus overrides built from it —
// base ×k (ABF, as Llama 2 Long), position interpolation ×k, YaRN ×k, NTK-aware ×k — each validated and
// labelled the way charts and the CLI label them (variantLabel).
import { variantLabel, type RopeVariant } from '../../probes/index.ts';
import { validateRopeConfig, type RopeConfig } from '../../rope/index.ts';

export type VariantKind = 'base' | 'linear' | 'yarn' | 'ntk';

export interface VariantChoice {
  kind: VariantKind;
  factor: number;
}

export const VARIANT_KINDS: ReadonlyArray<{ kind: VariantKind; label: string; hint: string }> = [
  { kind: 'base', label: 'base ×k', hint: 'RoPE base multiplied by k (adjusted base frequency, as Llama 2 Long)' },
  { kind: 'linear', label: 'PI ×k', hint: 'position interpolation: positions divided by k' },
  { kind: 'yarn', label: 'YaRN ×k', hint: 'YaRN: interpolate low frequencies only, with attention scaling' },
  { kind: 'ntk', label: 'NTK ×k', hint: 'static NTK-aware scaling of the base' },
];

/** The override a choice describes, on top of the model's own RoPE; throws with the validator's message. */
export function variantFromChoice(own: RopeConfig, trainedContext: number, choice: VariantChoice): RopeVariant {
  if (!(Number.isFinite(choice.factor) && choice.factor > 0))
    throw new RangeError(`the factor must be a positive number, got ${choice.factor}`);
  const raw: Record<string, unknown> = { ...own };
  if (choice.kind === 'base') {
    raw.base = own.base * choice.factor;
  } else {
    raw.type = choice.kind;
    raw.factor = choice.factor;
    if (choice.kind === 'yarn' && raw.originalContext === undefined) raw.originalContext = trainedContext;
  }
  const checked = validateRopeConfig(raw);
  if (!checked.ok) throw new RangeError(checked.error);
  return { label: variantLabel(own, checked.config), rope: checked.config };
}

export const OWN_VARIANT: RopeVariant = { label: 'own', rope: null };
