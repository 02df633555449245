// The probes in real Chromium (WebGPU on SwiftShader) on stories260K (Q8_0): a loss-by-position run
// from the page with two RoPE variants, a cancelled run, the result found again after a reload and
// through its shared link, and a run driven by a host page through the embed protocol.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { requireTestFiles } from '../tests/helpers/shared.ts';
import { MODEL_PATH, serveTestModels, STORIES_Q8_0 } from './fixtures/test-models.ts';
import { waitForCompute } from './fixtures/compute-wait.ts';

test.skip(!requireTestFiles('e2e probes', STORIES_Q8_0), 'needs the shared stories260K-Q8_0.gguf');

const result = (page: Page) => page.getByRole('region', { name: 'Probe result', exact: true });
const stored = (page: Page) => page.getByRole('region', { name: 'Stored probe results' });

/** Opens the lab with the test model loading (?model=) on the Probes section, ready to run. */
async function openProbes(page: Page, extra = '') {
  await serveTestModels(page);
  await page.goto(`/?model=${encodeURIComponent(MODEL_PATH)}${extra}`);
  await page.getByRole('button', { name: 'Probes', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Run probe' })).toBeEnabled(waitForCompute);
}

async function runLossProbe(page: Page, ctx: number, factors: number[], texts = ['sotu-2016-barack-obama']) {
  await page.getByLabel('Probe', { exact: true }).selectOption('loss-by-position');
  await page.getByLabel('Text', { exact: true }).selectOption(texts);
  await page.getByLabel('Context (tokens)').fill(String(ctx));
  for (const k of factors) {
    await page.getByLabel('Override factor').fill(String(k));
    await page.getByRole('button', { name: 'Add variant' }).click();
  }
  await page.getByRole('button', { name: 'Run probe' }).click();
}

test('loss by position from the page: curves, cancel, reload, shared link, delete', async ({ page, browser }) => {
  await openProbes(page);
  const started = Date.now();
  await runLossProbe(page, 256, [4], ['sotu-2016-barack-obama', 'sotu-2015-barack-obama']);
  await expect(result(page).locator('path.series')).toHaveCount(2, waitForCompute);
  console.log(
    `loss-by-position, 2 texts × 256 tokens, 2 variants (own, base ×4): ${((Date.now() - started) / 1000).toFixed(2)} s in Chromium/SwiftShader`,
  );
  await expect(result(page).locator('.legend')).toContainText('own (mean');
  await expect(result(page).locator('.legend')).toContainText('base 40K');
  await expect(result(page)).toContainText('sotu-2016-barack-obama (256 tokens), sotu-2015-barack-obama (256 tokens)');
  // a curve has a point per log bin: 256 positions at 2 bins per octave give 16 bins
  const d = await result(page).locator('path.series').first().getAttribute('d');
  expect(d!.split(/[ML]/).filter(Boolean).length).toBeGreaterThanOrEqual(14);
  // the CSV export is the result's table: a row per variant and log bin
  const [download] = await Promise.all([page.waitForEvent('download'), result(page).getByRole('button', { name: 'CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^rope-lab-loss-by-position-.*\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8')
    .trim()
    .split('\r\n');
  expect(csv[0]).toBe('variant,position_from,position_to,mean_loss,tokens');
  expect(csv.filter((row) => row.startsWith('own,')).length).toBe(csv.filter((row) => row.startsWith('base 40K,')).length);

  // a long run with three variants, cancelled once it reports progress
  await runLossProbe(page, 2048, [2, 8]);
  const progress = page.getByRole('status', { name: 'Probe progress' });
  await expect(progress).toContainText('loss-by-position');
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByText('The probe was cancelled.')).toBeVisible(waitForCompute);
  await expect(stored(page).getByRole('listitem')).toHaveCount(1);

  // the finished result comes back after a reload, from IndexedDB, by its link
  await stored(page)
    .getByRole('button', { name: /^loss-by-position/ })
    .click();
  await expect(page).toHaveURL(/[?&]probe=/);
  const shared = page.url();
  await page.reload();
  await expect(result(page).locator('path.series')).toHaveCount(2);
  await expect(stored(page).getByRole('listitem')).toHaveCount(1);

  // the same link in a browser without the result offers the run
  const other = await browser.newContext();
  const fresh = await other.newPage();
  await serveTestModels(fresh);
  await fresh.goto(shared);
  await expect(fresh.getByRole('region', { name: 'Shared probe' })).toContainText('loss-by-position');
  await expect(fresh.getByRole('region', { name: 'Shared probe' })).toContainText('own, base 40K');
  // the link carries the model too (?model=), so the offered run can start once it has loaded
  await fresh.getByRole('button', { name: 'Run the shared probe' }).click(waitForCompute);
  await expect(result(fresh).locator('path.series')).toHaveCount(2, waitForCompute);
  await other.close();

  // deleting a result removes it from IndexedDB too
  await stored(page)
    .getByRole('button', { name: /^Delete loss-by-position/ })
    .click();
  await expect(stored(page)).toContainText('No results yet');
  await page.reload();
  await expect(stored(page)).toContainText('No results yet');
});

test('passkey from the page: one heatmap per variant, every cell a recorded accuracy', async ({ page }) => {
  await openProbes(page);
  await page.getByLabel('Probe', { exact: true }).selectOption('passkey');
  await page.getByLabel('Lengths').fill('192, 256');
  await page.getByLabel('Depths').fill('0, 0.5, 1');
  await page.getByLabel('Trials').fill('1');
  await page.getByRole('button', { name: 'Add variant' }).click();
  const started = Date.now();
  await page.getByRole('button', { name: 'Run probe' }).click();
  const figures = result(page).locator('figure');
  await expect(figures).toHaveCount(2, waitForCompute);
  console.log(`passkey, 2 lengths × 3 depths × 2 variants: ${((Date.now() - started) / 1000).toFixed(2)} s`);
  await expect(figures.first()).toContainText('own · 1 trial(s) per cell');
  await expect(figures.last()).toContainText('base 40K');
  for (const figure of await figures.all()) await expect(figure.locator('text.cell-value', { hasText: /^\d+%$/ })).toHaveCount(6);
  // a too-short length is refused by the runner with the reason, not run
  await page.getByLabel('Lengths').fill('64');
  await page.getByRole('button', { name: 'Run probe' }).click();
  await expect(page.getByRole('alert')).toContainText('a passkey prompt needs at least');
});

test('a host page runs a probe through the embed protocol', async ({ page, baseURL }) => {
  await serveTestModels(page);
  const lab = `${baseURL}/?embed=1&view=decay&model=${encodeURIComponent(MODEL_PATH)}`;
  await page.goto(`${baseURL}/e2e/fixtures/host.html?lab=${encodeURIComponent(lab)}`);
  type Message = { data: { type: string; [key: string]: unknown } };
  const received = () => page.evaluate(() => (window as unknown as { received: Message[] }).received.map((m) => m.data));
  await expect.poll(async () => (await received()).some((m) => m.type === 'rope-lab:ready')).toBe(true);

  await page.evaluate(() =>
    (window as unknown as { send(m: unknown): void }).send({
      type: 'rope-lab:run',
      probe: 'passkey',
      options: { lengths: [0.5], depths: [0], trials: 1, seed: 1 },
    }),
  );
  await expect
    .poll(async () => (await received()).find((m) => m.type === 'rope-lab:error')?.message)
    .toContain('options.lengths[0] must be a positive integer');

  const started = Date.now();
  await page.evaluate(() =>
    (window as unknown as { send(m: unknown): void }).send({
      type: 'rope-lab:run',
      probe: 'loss-by-position',
      options: {
        texts: ['user'],
        ctx: 128,
        variants: [
          { label: 'own', rope: null },
          { label: 'PI ×2', rope: { headDim: 8, base: 10000, type: 'linear', factor: 2 } },
        ],
      },
      text: 'Once upon a time, there was a little girl named Lily. She liked to play in the park with her friends. '.repeat(20),
    }),
  );
  await expect.poll(async () => (await received()).some((m) => m.type === 'rope-lab:result'), waitForCompute).toBe(true);
  console.log(`embed run, loss-by-position, 128 tokens, 2 variants: ${((Date.now() - started) / 1000).toFixed(2)} s`);
  const messages = await received();
  const progress = messages.filter((m) => m.type === 'rope-lab:progress');
  expect(progress.at(-1)).toMatchObject({ probe: 'loss-by-position', done: 2, total: 2 });
  const { result: run } = messages.find((m) => m.type === 'rope-lab:result') as unknown as {
    result: {
      ctx: number;
      series: Array<{ variant: { label: string }; meanLoss: number }>;
      provenance: { texts: Array<{ id: string; tokens: number }> };
    };
  };
  expect(run.ctx).toBe(128);
  expect(run.series.map((s) => s.variant.label)).toEqual(['own', 'PI ×2']);
  expect(run.provenance.texts[0]).toMatchObject({ id: 'user', tokens: 128 });
  // a repeated TinyStories sentence is easy for a TinyStories model under its own RoPE
  expect(run.series[0].meanLoss).toBeGreaterThan(0);
  expect(run.series[0].meanLoss).toBeLessThan(run.series[1].meanLoss);
});

test("attention over distance from the page: bucket masses beside the analytic decay, pair norms, a head's map", async ({ page }) => {
  await openProbes(page);
  await page.getByLabel('Probe', { exact: true }).selectOption('attention-distance');
  await page.getByLabel('Text', { exact: true }).selectOption(['sotu-2016-barack-obama']);
  await page.getByLabel('Context (tokens)').fill('128');
  await page.getByLabel('Override factor').fill('4');
  await page.getByRole('button', { name: 'Add variant' }).click();
  await page.getByLabel('Attention map of').selectOption('0:1');
  await page.getByRole('button', { name: 'Run probe' }).click();
  // two variants: a mass curve, a dashed analytic curve and a pair-norm curve for each
  await expect(result(page).locator('path.series')).toHaveCount(6, waitForCompute);
  // the override moves the measured masses: the two variants' curves differ
  const [own, override] = await result(page)
    .locator('.probe-chart')
    .first()
    .locator('path.series')
    .evaluateAll((paths) => paths.map((p) => p.getAttribute('d') ?? ''));
  expect(own.length).toBeGreaterThan(10);
  expect(own).not.toBe(override);

  // which wavelengths: a point per rotary pair (stories260K: head dim 8, 4 pairs) at each variant's
  // wavelengths, against the trained context the GGUF states (2,048, the converter's default)
  const usage = result(page).locator('.probe-chart').nth(2);
  await expect(usage).toContainText('Which rotary wavelengths carry q·k');
  await expect(usage.locator('circle')).toHaveCount(2 * 4);
  await expect(usage.locator('.marker-label')).toHaveText('trained context 2K');

  // layer 0 head 1's full map for each variant, 128 × 128, read out under the pointer
  const maps = result(page).getByRole('region', { name: 'Attention maps' });
  await expect(maps).toContainText('layer 0 · head 1 · 128 tokens');
  const canvases = maps.locator('canvas.probe-map');
  await expect(canvases).toHaveCount(2);
  for (const canvas of await canvases.all()) {
    await expect(canvas).toHaveAttribute('data-tokens', '128');
    expect(await canvas.evaluate((c: HTMLCanvasElement) => [c.clientWidth, c.clientHeight])).toEqual([64 + 320 + 8, 64 + 320 + 8]);
  }
  // drawn, not only read out: query 0 → key 0 (weight 1) in the darkest blue, above the diagonal (0) the lightest
  const pixel = (x: number, y: number) =>
    canvases.first().evaluate(
      (c: HTMLCanvasElement, [px, py]) => {
        const scale = c.width / c.clientWidth;
        return Array.from(c.getContext('2d')!.getImageData(Math.floor(px * scale), Math.floor(py * scale), 1, 1).data);
      },
      [x, y],
    );
  expect(await pixel(64 + 1, 64 + 1)).toEqual([8, 48, 107, 255]);
  expect(await pixel(64 + 319, 64 + 1)).toEqual([247, 251, 255, 255]);
  const readout = maps.locator('.probe-map-readout');
  const ownMap = canvases.first();
  // the first query sees only itself; nothing above the diagonal; the last query's weights lie in (0, 1]
  await ownMap.hover({ position: { x: 64 + 1, y: 64 + 1 } });
  await expect(readout).toContainText(/^own · query 0 \S+ → key 0 \S+ · weight 1\.000$/);
  await ownMap.hover({ position: { x: 64 + 319, y: 64 + 1 } });
  await expect(readout).toContainText(/query 0 .* → key 127 .* · weight 0\.000$/);
  await ownMap.hover({ position: { x: 64 + 1, y: 64 + 319 } });
  await expect(readout).toContainText(/query 127 .* → key 0 .* · weight 0\.\d+/);
  expect(Number(/weight (\S+)$/.exec(await readout.innerText())![1])).toBeGreaterThan(0);

  // SVG export holds the whole figure: the three charts as nested svgs, the two maps as PNG images
  const [svgDownload] = await Promise.all([
    page.waitForEvent('download'),
    result(page).getByRole('button', { name: 'SVG', exact: true }).click(),
  ]);
  const svgFile = readFileSync(await svgDownload.path(), 'utf8');
  expect(svgFile.match(/<svg[\s>]/g)?.length).toBeGreaterThanOrEqual(1 + 3);
  expect(svgFile.match(/<image [^>]*href="data:image\/png;base64,/g)).toHaveLength(2);
  const [pngDownload] = await Promise.all([
    page.waitForEvent('download'),
    result(page).getByRole('button', { name: 'PNG', exact: true }).click(),
  ]);
  expect(readFileSync(await pngDownload.path()).subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));

  // one layer/head can be picked
  await result(page).getByLabel('Heads').selectOption('4:7');
  await expect(result(page).locator('.probe-chart').first().locator('path.series')).toHaveCount(2);

  // the maps are kept with the result (IndexedDB) and come back with its link after a reload
  await expect(page).toHaveURL(/[?&]probe=/);
  await page.reload();
  await expect(result(page).getByRole('region', { name: 'Attention maps' }).locator('canvas.probe-map[data-tokens="128"]')).toHaveCount(2);
});
