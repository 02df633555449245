// sample.wgsl against a CPU statement of the same chain (llama.cpp's order): repetition penalty →
// top-k → top-p → min-p → temperature → draw. Draws must stay in the kept set, follow its
// distribution (300 draws, each frequency within 0.12 ≈ 4σ of its probability) and repeat for the
// same (seed, counter).
import { describe, expect, it } from 'vitest';
import { randomF32, rng, runKernel } from '../helpers/engine-kernel-harness.ts';

const VOCAB = 40;

interface Params {
  temperature: number;
  topK: number;
  topP: number;
  minP: number;
  penalty: number;
  recent: number[];
  seed: number;
}

function samplerUniform(p: Params, counter: number): Uint8Array {
  const data = new ArrayBuffer(32);
  const f = new Float32Array(data);
  const u = new Uint32Array(data);
  [f[0], u[1], f[2], f[3], f[4], u[5], u[6], u[7]] = [p.temperature, p.topK, p.topP, p.minP, p.penalty, p.recent.length, p.seed, counter];
  return new Uint8Array(data);
}

async function draw(logits: Float32Array, p: Params, counter: number): Promise<number> {
  const [, out] = await runKernel({
    // outputs in binding order: the (penalized) logits, then the id
    kernel: 'sample.wgsl',
    constants: { VOCAB, STRIDE: VOCAB },
    step: { sample_row: 0 },
    bindings: [
      { data: samplerUniform(p, counter), uniform: true },
      { outBytes: logits.byteLength, init: logits },
      { data: Uint32Array.from(p.recent.length ? p.recent : [0]) },
      { outBytes: 4 },
    ],
    grid: [1, 1, 1],
  });
  return new Uint32Array(out)[0];
}

/** The distribution the chain defines, computed plainly in float64. */
function expectedDistribution(logits: Float32Array, p: Params): Map<number, number> {
  const l = Array.from(logits);
  for (const t of new Set(p.recent)) l[t] = l[t] > 0 ? l[t] / p.penalty : l[t] * p.penalty;
  const m = Math.max(...l);
  let order = l.map((v, i) => ({ i, d: v - m })).sort((a, b) => b.d - a.d);
  if (p.topK > 0) order = order.filter((o) => o.d >= order[p.topK - 1].d);
  const mass = order.reduce((s, o) => s + Math.exp(o.d), 0);
  let running = 0;
  const kept = [];
  for (const o of order) {
    kept.push(o);
    running += Math.exp(o.d);
    if (running >= p.topP * mass) break;
  }
  const final = kept.filter((o) => Math.exp(o.d) >= p.minP);
  const z = final.reduce((s, o) => s + Math.exp(o.d / p.temperature), 0);
  return new Map(final.map((o) => [o.i, Math.exp(o.d / p.temperature) / z]));
}

describe('sample.wgsl', () => {
  const logits = randomF32(VOCAB, rng(11), 3);

  it('draws follow the filtered, tempered distribution', async () => {
    const p: Params = { temperature: 0.8, topK: 12, topP: 0.9, minP: 0.03, penalty: 1.3, recent: [3, 7, 3, 20], seed: 99 };
    const expected = expectedDistribution(logits, p);
    expect(expected.size).toBeGreaterThan(2); // the test means something only if several tokens survive
    const counts = new Map<number, number>();
    const draws = 300;
    for (let c = 0; c < draws; c++) {
      const id = await draw(logits, p, c);
      expect(expected.has(id), `token ${id} was filtered out`).toBe(true);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const [id, prob] of expected) expect(Math.abs((counts.get(id) ?? 0) / draws - prob), `token ${id}`).toBeLessThanOrEqual(0.12);
  });

  it('the same seed and counter give the same token; temperature 0 is the argmax after the penalty', async () => {
    const p: Params = { temperature: 1, topK: 0, topP: 1, minP: 0, penalty: 1, recent: [], seed: 5 };
    expect(await draw(logits, p, 17)).toBe(await draw(logits, p, 17));
    const top = logits.indexOf(Math.max(...logits));
    const greedy = { ...p, temperature: 0, penalty: 100, recent: [top] };
    const penalized = Array.from(logits, (v, i) => (i === top ? (v > 0 ? v / 100 : v * 100) : v));
    expect(await draw(logits, greedy, 0)).toBe(penalized.indexOf(Math.max(...penalized)));
  });
});
