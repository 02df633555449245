// The probe settings: which probe, on which text, how long, under which RoPE variants, with which seed
// and trials. Run builds a ProbeRequest and checks it with parseProbeRequest (the same check a URL or
// an embedding host gets), so a bad field is named before anything runs.
import { useState } from 'react';
import type { ModelInfo } from '../../state/modelStore.ts';
import { builtinRef } from '../../models/builtin.ts';
import { MAX_MAP_TOKENS, parseProbeRequest, PROBE_KINDS, type ProbeKind, type ProbeRequest } from '../../probes/index.ts';
import { useLab } from '../LabStoreContext.tsx';
import { selectProbeActions, selectProbes } from '../../state/probeSlice.ts';
import { defaultTextId } from './textChoices.ts';
import { useBuiltinTexts } from './useBuiltinTexts.ts';
import { OWN_VARIANT, variantFromChoice, type VariantChoice } from './variants.ts';
import { ModelVariantPicker } from './ModelVariantPicker.tsx';
import { ProbeModelStatus } from './ProbeModelStatus.tsx';
import { VariantPicker } from './VariantPicker.tsx';

const PROBE_LABELS: Record<ProbeKind, string> = {
  'loss-by-position': 'Loss by position',
  perplexity: 'Perplexity vs context',
  'attention-distance': 'Attention over distance',
  passkey: 'Passkey retrieval',
  'first-sentence': 'First-sentence retrieval',
};

export interface FormValues {
  probe: ProbeKind;
  /** Text ids; the probes that read one text take the first. */
  texts: string[];
  ctx: number;
  lengths: string;
  depths: string;
  trials: number;
  seed: number;
  method: 'chunked' | 'sliding';
  variants: VariantChoice[];
  /** 'layer:head' whose full attention map an attention run also returns (inputs ≤ MAX_MAP_TOKENS), or ''. */
  mapHead?: string;
  /** Built-in models (names) each run as one more variant under its own RoPE. */
  models?: string[];
}

const lengthsFor = (trained: number) => [trained / 4, trained / 2, trained].map(Math.floor).join(', ');
const numberList = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);

/** The request the form describes, or the first problem. */
export function requestFromForm(v: FormValues, model: ModelInfo): { ok: true; request: ProbeRequest } | { ok: false; error: string } {
  let variants;
  try {
    variants = [
      OWN_VARIANT,
      ...v.variants.map((c) => variantFromChoice(model.rope, model.trainedContext, c)),
      ...(v.models ?? []).map((name) => ({ label: name, rope: null, model: builtinRef(name) })),
    ];
  } catch (err) {
    return { ok: false, error: `RoPE variant: ${(err as Error).message}` };
  }
  const lengths = numberList(v.lengths);
  const [mapLayer, mapHead] = (v.mapHead ?? '').split(':').map(Number);
  const mapOf = v.mapHead && v.ctx <= MAX_MAP_TOKENS ? { mapOf: { layer: mapLayer, head: mapHead } } : {};
  const options: Record<ProbeKind, Record<string, unknown>> = {
    'loss-by-position': { texts: v.texts, ctx: v.ctx },
    perplexity: { text: v.texts[0], method: v.method, contexts: lengths },
    'attention-distance': { text: v.texts[0], ctx: v.ctx, ...mapOf },
    passkey: { lengths, depths: numberList(v.depths), trials: v.trials, seed: v.seed },
    'first-sentence': { texts: v.texts, lengths, trials: v.trials, seed: v.seed },
  };
  return parseProbeRequest(v.probe, { ...options[v.probe], variants });
}

export function ProbeForm({ model, onRun }: { model: ModelInfo | null; onRun(request: ProbeRequest): void }) {
  const texts = useBuiltinTexts();
  const { running, userText } = useLab(selectProbes);
  const { setUserText } = useLab(selectProbeActions);
  const trained = model?.trainedContext ?? 512;
  const [v, setV] = useState<FormValues>({
    probe: 'loss-by-position',
    texts: [],
    ctx: trained,
    lengths: lengthsFor(trained),
    depths: '0, 0.5, 1',
    trials: 2,
    seed: 1,
    method: 'chunked',
    variants: [],
    mapHead: '',
    models: [],
  });
  const [error, setError] = useState<string | null>(null);
  // lengths follow the model's trained context when a (new) model arrives
  const trainedContext = model?.trainedContext;
  const [seenContext, setSeenContext] = useState<number | undefined>(undefined);
  if (seenContext !== trainedContext) {
    setSeenContext(trainedContext);
    if (trainedContext) setV((old) => ({ ...old, ctx: trainedContext, lengths: lengthsFor(trainedContext) }));
  }
  const change = (patch: Partial<FormValues>) => setV((old) => ({ ...old, ...patch }));
  const chosen = v.texts.length > 0 ? v.texts : [defaultTextId(texts)];
  // loss by position averages over documents; first-sentence draws one per trial
  const manyTexts = v.probe === 'loss-by-position' || v.probe === 'first-sentence';
  const selected = manyTexts ? chosen : chosen.slice(0, 1);
  const usesText = v.probe !== 'passkey';
  const usesCtx = v.probe === 'loss-by-position' || v.probe === 'attention-distance';
  const usesTrials = v.probe === 'passkey' || v.probe === 'first-sentence';

  const submit = () => {
    if (!model) return; // the button is disabled; ProbeModelStatus says why
    const built = requestFromForm({ ...v, texts: selected }, model);
    if (!built.ok) return setError(built.error);
    setError(null);
    onRun(built.request);
  };

  return (
    <form
      className="panel probe-form"
      aria-label="Probe settings"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h2>Probe</h2>
      <label className="field">
        <span>Probe</span>
        <select aria-label="Probe" value={v.probe} onChange={(e) => change({ probe: e.target.value as ProbeKind })}>
          {PROBE_KINDS.map((k) => (
            <option key={k} value={k}>
              {PROBE_LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      {usesText && (
        <label className="field">
          <span>{manyTexts ? 'Texts (Ctrl/⌘-click for several)' : 'Text'}</span>
          <select
            aria-label="Text"
            multiple={manyTexts}
            size={manyTexts ? 6 : undefined}
            value={manyTexts ? selected : selected[0]}
            onChange={(e) => change({ texts: Array.from(e.target.selectedOptions, (o) => o.value) })}
          >
            <option value="user">Your own text (paste below)</option>
            <optgroup label="Held out from the lab’s models">
              {texts
                .filter((t) => t.trainedOn === false)
                .map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.title}
                  </option>
                ))}
            </optgroup>
            <optgroup label="Trained on by the lab’s models">
              {texts
                .filter((t) => t.trainedOn !== false)
                .map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.title}
                  </option>
                ))}
            </optgroup>
          </select>
        </label>
      )}
      {usesText && selected.includes('user') && (
        <label className="field">
          <span>Your text</span>
          <textarea aria-label="Your text" rows={5} value={userText} onChange={(e) => setUserText(e.target.value)} />
        </label>
      )}
      <div className="field-grid">
        {usesCtx && <NumberField label="Context (tokens)" value={v.ctx} min={2} onChange={(ctx) => change({ ctx })} />}
        {v.probe === 'perplexity' && (
          <label className="field">
            <span>Method</span>
            <select aria-label="Method" value={v.method} onChange={(e) => change({ method: e.target.value as FormValues['method'] })}>
              <option value="chunked">chunked (llama.cpp)</option>
              <option value="sliding">sliding window</option>
            </select>
          </label>
        )}
        {!usesCtx && (
          <label className="field">
            <span>{v.probe === 'perplexity' ? 'Contexts' : 'Lengths'} (tokens)</span>
            <input aria-label="Lengths" value={v.lengths} onChange={(e) => change({ lengths: e.target.value })} />
          </label>
        )}
        {v.probe === 'passkey' && (
          <label className="field">
            <span>Depths (0–1)</span>
            <input aria-label="Depths" value={v.depths} onChange={(e) => change({ depths: e.target.value })} />
          </label>
        )}
        {v.probe === 'attention-distance' && model && v.ctx <= MAX_MAP_TOKENS && (
          <label className="field">
            <span>Attention map of</span>
            <select aria-label="Attention map of" value={v.mapHead} onChange={(e) => change({ mapHead: e.target.value })}>
              <option value="">no map</option>
              {Array.from({ length: model.layers * model.heads }, (_, i) => {
                const [layer, head] = [Math.floor(i / model.heads), i % model.heads];
                return (
                  <option key={i} value={`${layer}:${head}`}>
                    layer {layer} · head {head}
                  </option>
                );
              })}
            </select>
          </label>
        )}
        {usesTrials && <NumberField label="Trials" value={v.trials} min={1} onChange={(trials) => change({ trials })} />}
        {usesTrials && <NumberField label="Seed" value={v.seed} min={0} onChange={(seed) => change({ seed })} />}
      </div>
      <VariantPicker choices={v.variants} onChange={(variants) => change({ variants })} />
      <ModelVariantPicker chosen={v.models ?? []} onChange={(models) => change({ models })} />
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="button primary" disabled={running !== null || !model}>
        Run probe
      </button>
      <ProbeModelStatus />
    </form>
  );
}

function NumberField({ label, value, min, onChange }: { label: string; value: number; min: number; onChange(value: number): void }) {
  return (
    <label className="field">
      <span>{label}</span>
      <input aria-label={label} type="number" min={min} step={1} value={value} onChange={(e) => onChange(Number(e.target.value))} />
    </label>
  );
}
