// The preset experiments: one click runs a few probes one after another, with one progress bar and one
// cancel (RunProgress); the results then sit side by side (SuiteView). "RoPE vs PI vs ABF" runs on the
// lab's own models; "Extending SmolLM2 past 8K" on SmolLM2-135M-Instruct, loaded from the catalogue when
// another model is loaded, and opens with its published H100 run when this browser has none.
import { useEffect, useState, type ReactNode } from 'react';
import { EXTEND_SMOLLM2, PRESETS, ROPE_PI_ABF, type ProbeSuite } from '../../probes/index.ts';
import { useLab, useLabStoreApi } from '../LabStoreContext.tsx';
import { selectModelInfo } from '../../state/modelStore.ts';
import { presetSuite } from '../../state/presetUrl.ts';
import { selectProbeActions, selectProbes } from '../../state/probeSlice.ts';
import { heldOutTexts } from './heldOutTexts.ts';
import { runPresetOnItsModel } from './runPreset.ts';

const DESCRIPTIONS: Record<string, ReactNode> = {
  [ROPE_PI_ABF]: (
    <>
      The lab’s four models on held-out State of the Union addresses: stage 1 (trained at 256 tokens) beside its three continuations to
      2,048 tokens — RoPE unchanged, position interpolation (PI ×8), base 500K (ABF). Loss by position, attention over distance and passkey
      retrieval, each model under its own RoPE.
    </>
  ),
  [EXTEND_SMOLLM2]: (
    <>
      A real pretrained model, SmolLM2-135M-Instruct (trained at 8,192 tokens, RoPE base 100,000), pushed to 4× its context with no
      retraining: its own RoPE beside a raised base (×5, ×10, ×50), position interpolation (×2, ×4), static and dynamic NTK, YaRN and Llama
      3.1 scaling (×4). Perplexity, loss by position, passkey retrieval (lengths × depths) and attention by distance with the first token’s
      share, at ⅛, ¼, ½ and all of the context.
    </>
  ),
};

export function PresetPanel() {
  return (
    <section className="panel probe-presets" aria-label="Experiments">
      <h2>Experiments</h2>
      <PresetCard preset={ROPE_PI_ABF} />
      <PresetCard preset={EXTEND_SMOLLM2} />
    </section>
  );
}

function PresetCard({ preset }: { preset: string }) {
  const definition = PRESETS[preset];
  const store = useLabStoreApi();
  const { running, pendingSuite, suite } = useLab(selectProbes);
  const { openSuite, publishedContexts } = useLab(selectProbeActions);
  const [published, setPublished] = useState<number[]>([]);
  useEffect(() => {
    let live = true;
    void publishedContexts(preset).then((contexts) => live && setPublished(contexts));
    return () => {
      live = false;
    };
  }, [preset, publishedContexts]);
  const model = useLab(selectModelInfo);
  const [ctx, setCtx] = useState<number>(definition.context.default);
  const [error, setError] = useState<string | null>(null);
  // the field follows the experiment a link opened (or the one on screen), so Run repeats that one
  const shown = pendingSuite ?? suite?.suite;
  const linkedCtx = shown?.preset === preset ? shown.ctx : undefined;
  const [seenCtx, setSeenCtx] = useState<number | undefined>(undefined);
  if (seenCtx !== linkedCtx) {
    setSeenCtx(linkedCtx);
    if (linkedCtx !== undefined) setCtx(linkedCtx);
  }

  const build = async (at = ctx): Promise<ProbeSuite | null> => {
    try {
      const built = presetSuite(preset, at, await heldOutTexts());
      setError(null);
      return built;
    } catch (err) {
      setError((err as Error).message);
      return null;
    }
  };
  const start = async () => {
    const built = await build();
    if (built) await runPresetOnItsModel(store, built);
  };
  const open = async (at = ctx) => {
    setCtx(at);
    const built = await build(at);
    if (built) void openSuite(built);
  };
  const title = definition.title;

  return (
    <div className="probe-preset" data-preset={preset}>
      <h3>{title}</h3>
      <p className="hint">{DESCRIPTIONS[preset]}</p>
      <label className="field">
        <span>Context (tokens)</span>
        <input
          aria-label={`${title} context`}
          type="number"
          min={definition.context.min}
          max={definition.context.max}
          step={1}
          value={ctx}
          onChange={(e) => setCtx(Number(e.target.value))}
        />
      </label>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <button
        type="button"
        className="button primary"
        disabled={running !== null || (!model && preset === ROPE_PI_ABF)}
        onClick={() => void start()}
      >
        Run {title}
      </button>{' '}
      <button type="button" className="button" onClick={() => void open()}>
        Show results
      </button>
      {published.length > 0 && (
        <p className="hint">
          Measured on a GPU and published with the page at{' '}
          {published.map((c, i) => (
            <span key={c}>
              {i > 0 && ', '}
              <button type="button" className="link-button" onClick={() => void open(c)}>
                {c.toLocaleString('en-US')} tokens
              </button>
            </span>
          ))}
          .
        </p>
      )}
    </div>
  );
}
