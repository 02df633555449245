// The probe runners on the real WebGPU engine (Dawn; SwiftShader here) against the CPU reference engine:
// the same ids through the Engine interface give the same loss curve and the same greedy passkey answers,
// and a RoPE variant reaches the GPU through setRope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGpuEngine } from '../../src/engine/webgpu-engine.ts';
import { runLossByPosition, runPasskey, type ProbeContext } from '../../src/probes/index.ts';
import { testEngine } from '../helpers/engine-helpers.ts';
import { requireTestFiles, STORIES_GGUF, TINYSTORIES_TEXT } from '../helpers/shared.ts';
import { loadStories, referenceContext, tinyStories } from '../helpers/probes-helpers.ts';

const haveModels = requireTestFiles('probe runners on the WebGPU engine', STORIES_GGUF, TINYSTORIES_TEXT);

describe.skipIf(!haveModels)('probe runners: WebGPU engine vs CPU reference (stories260K)', () => {
  let gpu: WebGpuEngine;
  let gpuCtx: ProbeContext;
  let cpuCtx: ProbeContext;
  beforeAll(async () => {
    const { weights, tokenizer } = await loadStories();
    cpuCtx = referenceContext(weights, tokenizer);
    gpu = testEngine();
    await gpu.load({ kind: 'path', path: STORIES_GGUF }, undefined, { context: 256 });
    gpuCtx = { ...cpuCtx, engine: gpu, hooks: undefined };
  });
  afterAll(() => gpu?.destroy());

  it('loss by position agrees per position, for the own RoPE and base ×4', async () => {
    const text = tinyStories();
    const options = {
      texts: [
        { id: 'a', text: text.slice(0, 1200) },
        { id: 'b', text: text.slice(30000, 31200) },
      ],
      ctx: 128,
      variants: [
        { label: 'own', rope: null },
        { label: 'base ×4', rope: { ...cpuCtx.model.rope, base: 40000 } },
      ],
    };
    const [onGpu, onCpu] = [await runLossByPosition(gpuCtx, options), await runLossByPosition(cpuCtx, options)];
    for (let v = 0; v < 2; v++) {
      const g = onGpu.series[v].perPosition;
      const c = onCpu.series[v].perPosition;
      let worst = 0;
      for (let t = 1; t < c.length; t++) worst = Math.max(worst, Math.abs(g[t] - c[t]));
      // the engine's own GPU-vs-reference bound is 1e-4·max|logit| (≈ 1.5e-3 here) per logit; a log-softmax at most doubles it
      expect(worst).toBeLessThan(3e-3);
      expect(onGpu.series[v].meanLoss).toBeCloseTo(onCpu.series[v].meanLoss, 4);
    }
    expect(Math.abs(onCpu.series[1].meanLoss - onCpu.series[0].meanLoss)).toBeGreaterThan(0.01); // the override matters
  });

  it('greedy passkey answers are the same tokens', async () => {
    const options = { lengths: [160], depths: [0.5], trials: 1, seed: 11, variants: [{ label: 'own', rope: null }], maxTokens: 5 };
    const [onGpu, onCpu] = [await runPasskey(gpuCtx, options), await runPasskey(cpuCtx, options)];
    expect(onGpu.series[0].trials.map((t) => t.answer)).toEqual(onCpu.series[0].trials.map((t) => t.answer));
  });

  it('dynamic NTK follows the length scored: the same as the static base it implies for that length', async () => {
    const own = cpuCtx.model.rope;
    const ids = cpuCtx.tokenizer.encode(tinyStories().slice(0, 2000)).slice(0, 200);
    // trained length 64, factor 2: at 200 tokens b' = b·(2·200/64 − 1)^(d/(d−2)); at 50 (< 64) b' = b
    const dynamic = { ...own, type: 'dynamic' as const, factor: 2, maxPositionEmbeddings: 64 };
    const implied = (n: number) => ({ ...own, base: own.base * ((2 * n) / 64 - 1) ** (own.headDim / (own.headDim - 2)) });
    for (const engine of [gpu, cpuCtx.engine]) {
      await engine.setRope(dynamic);
      const long = await engine.score(ids, { addBos: false });
      const short = await engine.score(ids.slice(0, 50), { addBos: false });
      await engine.setRope(implied(200));
      const longStatic = await engine.score(ids, { addBos: false });
      await engine.setRope(null);
      const shortOwn = await engine.score(ids.slice(0, 50), { addBos: false });
      expect(long.nll).toBeCloseTo(longStatic.nll, 3);
      expect(short.nll).toBeCloseTo(shortOwn.nll, 3);
      expect(Math.abs(long.nll - (await engine.score(ids, { addBos: false })).nll)).toBeGreaterThan(0.01); // the stretch matters
    }
  });
});
