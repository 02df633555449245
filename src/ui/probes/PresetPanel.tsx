// The preset experiments: one click runs a few probes on the lab's own models, one after another, with one
// progress bar and one cancel (RunProgress); the results then sit side by side (SuiteView).
import { useEffect, useState } from 'react';
import { PRESET_CONTEXT, ROPE_PI_ABF, type ProbeSuite } from '../../probes/index.ts';
import { useLab } from '../../state/LabStoreContext.tsx';
import { selectModelInfo } from '../../state/modelStore.ts';
import { presetSuite } from '../../state/presetUrl.ts';
import { selectProbeActions, selectProbes } from '../../state/probeSlice.ts';
import { heldOutTexts } from './heldOutTexts.ts';

export function PresetPanel() {
  const { running, pendingSuite, suite } = useLab(selectProbes);
  const { runSuite } = useLab(selectProbeActions);
  const model = useLab(selectModelInfo);
  const [ctx, setCtx] = useState<number>(PRESET_CONTEXT.default);
  const [error, setError] = useState<string | null>(null);
  // the field follows the experiment a link opened (or the one on screen), so Run repeats that one
  const linkedCtx = pendingSuite?.ctx ?? suite?.suite.ctx;
  useEffect(() => {
    if (linkedCtx !== undefined) setCtx(linkedCtx);
  }, [linkedCtx]);

  const start = async () => {
    let suite: ProbeSuite;
    try {
      suite = presetSuite(ROPE_PI_ABF, ctx, await heldOutTexts());
    } catch (err) {
      return setError((err as Error).message);
    }
    setError(null);
    void runSuite(suite);
  };

  return (
    <section className="panel probe-presets" aria-label="Experiments">
      <h2>Experiments</h2>
      <h3>RoPE vs PI vs ABF</h3>
      <p className="hint">
        The lab’s four models on held-out State of the Union addresses: stage 1 (trained at 256 tokens) beside its three
        continuations to 2,048 tokens — RoPE unchanged, position interpolation ×8, base 500,000 (ABF). Loss by position,
        attention over distance and passkey retrieval, each model under its own RoPE.
      </p>
      <label className="field">
        <span>Context (tokens)</span>
        <input
          aria-label="Experiment context"
          type="number"
          min={PRESET_CONTEXT.min}
          max={PRESET_CONTEXT.max}
          step={1}
          value={ctx}
          onChange={(e) => setCtx(Number(e.target.value))}
        />
      </label>
      {error && <p className="field-error" role="alert">{error}</p>}
      <button type="button" className="button primary" disabled={running !== null || !model} onClick={() => void start()}>
        Run RoPE vs PI vs ABF
      </button>
    </section>
  );
}
