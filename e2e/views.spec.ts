// Every analytics view renders from the same state, and the interactive parts (heat-map rows, worker
// scans, Appendix B inputs) reach the URL.
import { expect, test } from '@playwright/test';
import { encodeState, sampleState, stateFromUrl } from './labState.ts';
import { waitForCompute } from './fixtures/compute-wait.ts';

test('clicking a heat-map row pins that pair on the unit circle and in the URL', async ({ page }) => {
  await page.goto(`/?s=${encodeState(sampleState({ view: 'rotation', pair: 10 }))}`);
  await expect(page.locator('.unit-circle')).toContainText('pair 10');
  const overlay = page.locator('.chart-svg rect[style*="cursor"]');
  const box = (await overlay.boundingBox())!;
  // 64 rows: the middle of row 40 is at (40.5/64) of the height.
  await page.mouse.click(box.x + box.width / 2, box.y + (box.height * 40.5) / 64);
  await expect.poll(() => stateFromUrl(page.url()).pair).toBe(40);
  await page.mouse.move(0, 0);
  await expect(page.locator('.unit-circle')).toContainText('pair 40');
  await expect(page.getByLabel('pair i')).toHaveValue('40');
});

test('base vs context fills in from the worker, with Men et al.-sized minimum bases', async ({ page }) => {
  await page.goto(`/?s=${encodeState(sampleState({ view: 'base', contexts: [4096, 32768] }))}`);
  await expect(page.getByTestId('base-status')).toContainText(/Scanned in \d+ ms \(worker\)/, waitForCompute);
  const table = page.getByRole('table', { name: /Smallest base per context/ });
  // Men et al. 2024, Table 1 (d = 128): 4K needs a base of about 2.7e4, 32K about 6.4e5; our grid is 4.7% wide.
  const base4k = await table.getByRole('row', { name: /^4K/ }).getByRole('cell').nth(2).textContent();
  const base32k = await table.getByRole('row', { name: /^32K/ }).getByRole('cell').nth(2).textContent();
  const parse = (text: string | null) => Number(text!.replace('K', 'e3').replace('M', 'e6'));
  expect(parse(base4k)).toBeGreaterThan(2.7e4 * 0.9);
  expect(parse(base4k)).toBeLessThan(2.7e4 * 1.1);
  expect(parse(base32k)).toBeGreaterThan(6.4e5 * 0.9);
  expect(parse(base32k)).toBeLessThan(6.4e5 * 1.1);
  // Each series' own first negative distance, against the marked contexts.
  const series = page.getByRole('table', { name: 'Your series' });
  await expect(series.getByRole('row', { name: /Llama 2/ })).toContainText('B < 0 first at Δ = 1707');
  await expect(page.locator('.chart-svg circle[data-series="ABF"]')).toHaveCount(1);
});

test('the Appendix B inputs are validated and reach the chart and the URL', async ({ page }) => {
  await page.goto(`/?s=${encodeState(sampleState({ view: 'granularity' }))}`);
  const pi = page.locator('.chart-svg path[data-series="pi"]');
  const before = await pi.getAttribute('d');
  await page.getByLabel('PI factor s').fill('4');
  await expect(pi).not.toHaveAttribute('d', before!);
  await expect.poll(() => (stateFromUrl(page.url()).granularity as { piFactor: number }).piFactor).toBe(4);
  await page.getByLabel('target context').fill('1024');
  await expect(page.getByText('the target context must exceed the trained context')).toBeVisible();
  expect((stateFromUrl(page.url()).granularity as { targetContext: number }).targetContext).toBe(32768);
});

test('all five views draw a chart', async ({ page }) => {
  for (const view of ['spectrum', 'rotation', 'decay', 'base', 'granularity']) {
    await page.goto(`/?s=${encodeState(sampleState({ view }))}`);
    await expect(page.getByRole('tab', { selected: true })).toHaveCount(1);
    await expect(page.locator('.chart-svg')).toHaveCount(1);
    await expect(page.locator('.chart-svg .axis-label').first()).not.toBeEmpty();
  }
});

test('the decay readout works from the keyboard', async ({ page }) => {
  await page.goto(`/?s=${encodeState(sampleState({ view: 'decay', maxDistance: 32768 }))}`);
  const overlay = page.getByRole('slider', { name: 'Read the curves at a distance (arrow keys)' });
  await overlay.focus();
  await page.keyboard.press('End');
  await expect(page.locator('.readout-heading')).toHaveText('Δ = 32.77K tokens');
  await page.keyboard.press('Home');
  await expect(page.locator('.readout-heading')).toHaveText('Δ = 1 token');
  // At Δ = 1 both series' logits are (2/√128)·Σᵢ cos θᵢ, a bit under the Δ = 0 value of 2·64/√128 ≈ 11.31.
  const values = await page.locator('.readout-table td').allTextContents();
  expect(values).toHaveLength(2);
  for (const v of values) {
    expect(Number(v)).toBeGreaterThan(10);
    expect(Number(v)).toBeLessThan(11.32);
  }
});

test("the spectrum table shows Liu et al.'s critical dimension, fixed by pretraining", async ({ page }) => {
  await page.goto(`/?s=${encodeState(sampleState({ view: 'spectrum', contexts: [4096] }))}`);
  const table = page.getByRole('table', { name: /critical dimension fixed by pretraining/ });
  // Liu et al. 2023, §3: Llama 2 (b = 10000, d = 128, T_train = 4K) has d_extra = 92; 46 of 64 pairs turn fully.
  await expect(table.getByRole('row', { name: /Llama 2/ }).getByRole('cell')).toHaveText([
    '46 / 64',
    'base 10K, 4K',
    '92',
    /^4,7\d\d tokens$/,
  ]);
  // The ABF series, pretrained (by default) with its own base, would reach only 4.4K ...
  const abf = table.getByRole('row', { name: /ABF/ });
  await expect(abf.getByRole('cell')).toHaveText(['32 / 64', 'base 500K, 4K', '64', /^4,4\d\d tokens$/]);
  // ... but a model pretrained as Llama 2 keeps d_extra = 92, whose period under base 500K is 2π·500000^(92/128) ≈ 78.4K.
  const card = page.getByRole('article', { name: 'Series 2' });
  await card.getByLabel('pretrained base').fill('10000');
  await card.getByLabel('pretrained context').fill('4096');
  await expect(abf.getByRole('cell')).toHaveText(['32 / 64', 'base 10K, 4K', '92', '78,400 tokens']);
  await expect.poll(() => stateFromUrl(page.url()).series[1].pretrained).toEqual({ base: 10000, context: 4096 });
});

test('the decay chart names YaRN’s attention factor; base vs context says where NTK and YaRN sit', async ({ page }) => {
  const series = [
    { name: 'Llama 2', color: '#4e79a7', config: { headDim: 128, base: 10000, type: 'default' } },
    { name: 'YaRN ×8', color: '#f28e2b', config: { headDim: 128, base: 10000, type: 'yarn', factor: 8, originalContext: 4096 } },
    { name: 'NTK ×8', color: '#e15759', config: { headDim: 128, base: 10000, type: 'ntk', factor: 8 } },
  ];
  await page.goto(`/?s=${encodeState(sampleState({ view: 'decay', series }))}`);
  // a = 0.1·ln 8 + 1 = 1.2079, a² = 1.459: YaRN's all-ones logit starts near 16.5, not 11.3
  const chart = page.locator('.chart-svg');
  await expect(chart.getByText('YaRN ×8 (× a² = 1.459, attention factor)')).toBeVisible();
  await expect(chart.getByText('Llama 2', { exact: true })).toBeVisible();
  await expect(chart.getByText('NTK ×8', { exact: true })).toBeVisible();

  await page.getByRole('tab', { name: /Base vs context/ }).click();
  const table = page.getByRole('table', { name: 'Your series' });
  // NTK ×8 has plain RoPE's θ at base 10000·8^(128/126) ≈ 82.7K; YaRN has no such base
  await expect(table.getByRole('row', { name: /NTK/ }).getByRole('cell').first()).toHaveText(
    /^base 82\.6\dK \(its θ equal plain RoPE.s there\)$/,
  );
  await expect(table.getByRole('row', { name: /YaRN/ }).getByRole('cell').first()).toHaveText(
    'nominal base 10K, off the curve (pairs scaled unevenly)',
  );
  await expect(page.locator('circle[data-series="YaRN ×8"][data-off-curve]')).toHaveCount(1);
  await expect(page.locator('circle[data-series="NTK ×8"]:not([data-off-curve])')).toHaveCount(1);
});

test('ABF vs PI draws its own configurations in colours no series uses', async ({ page }) => {
  await page.goto(`/?s=${encodeState(sampleState({ view: 'granularity' }))}`);
  const strokes = await page.locator('.chart-svg path.series').evaluateAll((paths) => paths.map((p) => p.getAttribute('stroke')));
  expect(strokes).toHaveLength(3);
  const seriesColours = await page
    .locator('.series-card input[type="color"]')
    .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
  expect(seriesColours.length).toBeGreaterThan(0);
  // the series palette (src/state/defaults.ts SERIES_PALETTE) and the series on the page
  const palette = ['#4e79a7', '#f28e2b', '#e15759', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f'];
  for (const stroke of strokes) {
    expect(palette).not.toContain(stroke);
    expect(seriesColours).not.toContain(stroke);
  }
  await expect(page.locator('.chart-svg').getByText('ABF (base 500K)')).toBeVisible();
  await expect(page.getByText("this view's own configurations, set by the inputs above")).toBeVisible();
});
