import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../../src/engine/types.ts';
import { requestFromForm, type FormValues } from '../../../src/ui/probes/ProbeForm.tsx';

// requestFromForm reads only the model's RoPE and trained context
const model = { rope: { headDim: 8, base: 10000, type: 'default' }, trainedContext: 512, layers: 5, heads: 8 } as ModelInfo;
const form: FormValues = {
  probe: 'attention-distance',
  texts: ['sotu-2016-barack-obama'],
  ctx: 128,
  lengths: '',
  depths: '',
  trials: 1,
  seed: 1,
  method: 'chunked',
  variants: [],
  mapHead: '',
};

describe('the probe form as a request', () => {
  it("an attention run asks for the chosen head's map", () => {
    const built = requestFromForm({ ...form, mapHead: '4:7' }, model);
    expect(built).toMatchObject({ ok: true, request: { probe: 'attention-distance', ctx: 128, mapOf: { layer: 4, head: 7 } } });
  });

  it("adds one variant per chosen built-in model, under its own RoPE, after the loaded model's", () => {
    const built = requestFromForm({ ...form, variants: [{ kind: 'base', factor: 4 }], models: ['rope', 'abf'] }, model);
    expect(built.ok && built.request.variants).toEqual([
      { label: 'own', rope: null },
      { label: 'base 40K', rope: expect.objectContaining({ base: 40000 }) },
      { label: 'rope', rope: null, model: 'builtin:rope' },
      { label: 'abf', rope: null, model: 'builtin:abf' },
    ]);
  });

  it('no map without a chosen head, nor beyond 2,048 tokens', () => {
    const none = requestFromForm(form, model);
    const long = requestFromForm({ ...form, ctx: 2049, mapHead: '0:0' }, model);
    for (const built of [none, long]) {
      expect(built.ok).toBe(true);
      expect(built.ok && 'mapOf' in built.request).toBe(false);
    }
    expect(requestFromForm({ ...form, ctx: 2048, mapHead: '0:0' }, model)).toMatchObject({
      ok: true,
      request: { mapOf: { layer: 0, head: 0 } },
    });
  });
});
