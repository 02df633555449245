// Opt-in measurement (PROBE_TIMING=1 npx playwright test e2e/probes-timing.spec.ts): every probe on
// stories260K (Q8_0) at up to 2,048 tokens under its own RoPE and three overrides, driven through the
// embed protocol, printing each run's time and headline numbers. Minutes on SwiftShader, so not in CI.
// PROBE_ONLY=<text> keeps the runs whose name contains it.
import { expect, test } from '@playwright/test';
import { headSummary, meanBucketDistance, type AttentionStats } from '../src/probes/attention-stats.ts';
import { requireTestFiles } from '../tests/helpers/shared.ts';
import { MODEL_PATH, serveTestModels, STORIES_Q8_0 } from './fixtures/test-models.ts';

test.skip(!process.env.PROBE_TIMING, 'set PROBE_TIMING=1 to measure the probes');
test.skip(!process.env.PROBE_TIMING || !requireTestFiles('e2e probe timing', STORIES_Q8_0), 'needs the shared stories260K-Q8_0.gguf');

const own = { headDim: 8, base: 10000, type: 'default' };
const variants = [
  { label: 'own', rope: null },
  { label: 'base ×4', rope: { ...own, base: 40000 } },
  { label: 'PI ×4', rope: { ...own, type: 'linear', factor: 4 } },
  { label: 'YaRN ×4', rope: { ...own, type: 'yarn', factor: 4, originalContext: 512 } },
];

const RUNS: Array<{ name: string; probe: string; options: Record<string, unknown> }> = [
  { name: 'attention-distance 256, own', probe: 'attention-distance', options: { text: 'sotu-2016-barack-obama', ctx: 256 } },
  {
    name: 'loss-by-position 2048, own only (= one plain forward pass)',
    probe: 'loss-by-position',
    options: { texts: ['sotu-2016-barack-obama'], ctx: 2048 },
  },
  {
    name: 'attention-distance 2048 × 4 variants',
    probe: 'attention-distance',
    options: { text: 'sotu-2016-barack-obama', ctx: 2048, variants },
  },
  {
    name: 'loss-by-position 2048 × 4 variants',
    probe: 'loss-by-position',
    options: { texts: ['sotu-2016-barack-obama'], ctx: 2048, variants },
  },
  {
    name: 'perplexity chunked 512/2048 × 4 variants (1 window each)',
    probe: 'perplexity',
    options: { text: 'sotu-2016-barack-obama', method: 'chunked', contexts: [512, 2048], maxWindows: 1, variants },
  },
  {
    name: 'passkey 512/2048 × depths 0/1 × 4 variants',
    probe: 'passkey',
    options: { lengths: [512, 2048], depths: [0, 1], trials: 1, seed: 1, variants },
  },
  {
    name: 'first-sentence 512 × 1 trial × 4 variants',
    probe: 'first-sentence',
    options: { texts: ['sotu-2015-barack-obama', 'sotu-2016-barack-obama'], lengths: [512], trials: 1, seed: 1, variants },
  },
];

test('probe run times in Chromium/SwiftShader', async ({ page, baseURL }) => {
  test.setTimeout(1_800_000);
  await serveTestModels(page);
  const lab = `${baseURL}/?embed=1&view=decay&model=${encodeURIComponent(MODEL_PATH)}`;
  await page.goto(`${baseURL}/e2e/fixtures/host.html?lab=${encodeURIComponent(lab)}`);
  type Data = { type: string; [key: string]: unknown };
  const received = () => page.evaluate(() => (window as unknown as { received: Array<{ data: Data }> }).received.map((m) => m.data));
  await expect.poll(async () => (await received()).some((m) => m.type === 'rope-lab:ready')).toBe(true);
  for (const run of RUNS.filter((r) => !process.env.PROBE_ONLY || r.name.includes(process.env.PROBE_ONLY))) {
    const start = (await received()).length;
    await page.evaluate((m) => (window as unknown as { send(m: unknown): void }).send(m), {
      type: 'rope-lab:run',
      probe: run.probe,
      options: run.options,
    });
    let answer: Data | undefined;
    await expect
      .poll(
        async () => {
          answer = (await received()).slice(start).find((m) => m.type === 'rope-lab:result' || m.type === 'rope-lab:error');
          return answer !== undefined;
        },
        { timeout: 1_500_000 },
      )
      .toBe(true);
    if (answer!.type === 'rope-lab:error') {
      console.log(`${run.name}: error: ${answer!.message as string}`);
      continue;
    }
    const result = answer!.result as { series: Array<Record<string, unknown> & { variant: { label: string } }> };
    const headline = result.series.map(
      (s) =>
        `${s.variant.label}: ${
          s.stats
            ? attentionHeadline(s.stats as AttentionStats)
            : JSON.stringify(
                s.meanLoss ??
                  s.accuracy ??
                  s.meanRougeL ??
                  (s.points as Array<{ ctx: number; ppl: number }>)?.map((p) => [p.ctx, Number(p.ppl.toFixed(2))]),
              )
        }`,
    );
    console.log(`${run.name}: ${((answer!.runMs as number) / 1000).toFixed(2)} s\n  ${headline.join('\n  ')}`);
  }
});

/** Mean over every (layer, head) of its mean distance, entropy and sink, for queries at positions ≥ 1024. */
function attentionHeadline(raw: AttentionStats): string {
  const arrays = (x: unknown) => Float32Array.from(Object.values(x as Record<string, number>));
  const stats = {
    ...raw,
    bucketMass: arrays(raw.bucketMass),
    entropy: arrays(raw.entropy),
    sinkMass: arrays(raw.sinkMass),
    queryCount: arrays(raw.queryCount),
  } as AttentionStats;
  const from = stats.queryBinEdges.findIndex((e) => e >= 1024);
  let distance = 0;
  let entropy = 0;
  let sink = 0;
  for (let layer = 0; layer < stats.layers; layer++) {
    for (let head = 0; head < stats.heads; head++) {
      const h = headSummary(stats, layer, head, from);
      distance += meanBucketDistance(h.bucketMass);
      entropy += h.entropy;
      sink += h.sinkMass;
    }
  }
  const n = stats.layers * stats.heads;
  return `queries ≥ ${stats.queryBinEdges[from]}: mean distance ${(distance / n).toFixed(1)}, entropy ${(entropy / n).toFixed(3)} nats, sink ${(sink / n).toFixed(4)}`;
}
