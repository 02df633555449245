// The probe runners on the real WebGPU engine (Dawn; SwiftShader here) against the CPU reference engine:
// the same ids through the Engine interface give the same loss curve and the same greedy passkey answers,
// and a RoPE variant reaches the GPU through setRope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGpuEngine } from '../src/engine/webgpu-engine.ts';
import { runLossByPosition, runPasskey, type ProbeContext } from '../src/probes/index.ts';
import { haveModels, testEngine } from './engine-helpers.ts';
import { STORIES, loadStories, referenceContext, tinyStories } from './probes-helpers.ts';

describe.skipIf(!haveModels)('probe runners: WebGPU engine vs CPU reference (stories260K)', () => {
  let gpu: WebGpuEngine;
  let gpuCtx: ProbeContext;
  let cpuCtx: ProbeContext;
  beforeAll(async () => {
    const { weights, tokenizer } = await loadStories();
    cpuCtx = referenceContext(weights, tokenizer);
    gpu = testEngine();
    await gpu.load({ kind: 'path', path: STORIES }, undefined, { context: 256 });
    gpuCtx = { ...cpuCtx, engine: gpu, hooks: undefined };
  });
  afterAll(() => gpu?.destroy());

  it('loss by position agrees per position, for the own RoPE and base ×4', async () => {
    const text = tinyStories();
    const options = {
      texts: [{ id: 'a', text: text.slice(0, 1200) }, { id: 'b', text: text.slice(30000, 31200) }],
      ctx: 128,
      variants: [{ label: 'own', rope: null }, { label: 'base ×4', rope: { ...cpuCtx.model.rope, base: 40000 } }],
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
});
