// Chart layout at a desktop and a phone size: legends sit outside the plot, long linear axes are drawn as
// per-pixel envelopes, probe charts read out on hover, the page uses the width and never scrolls sideways,
// and coinciding unit-circle markers stay apart. Probe results are written into IndexedDB (no model run).
import { expect, test, type Locator, type Page } from '@playwright/test';
import { attentionRecord, lossRecord, storeProbeRecords } from './fixtures/probe-records.ts';
import { encodeState, sampleState } from './labState.ts';
import { waitForCompute } from './fixtures/compute-wait.ts';

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

const FIVE_SERIES = [
  { name: 'Llama 2', color: '#4e79a7', config: { headDim: 128, base: 10000, type: 'default' } },
  { name: 'ABF 500K', color: '#f28e2b', config: { headDim: 128, base: 500000, type: 'default' } },
  { name: 'PI ×8', color: '#e15759', config: { headDim: 128, base: 10000, type: 'linear', factor: 8 } },
  { name: 'NTK ×8', color: '#76b7b2', config: { headDim: 128, base: 10000, type: 'dynamic', factor: 8, originalContext: 4096 } },
  { name: 'Llama 3', color: '#59a14f', config: { headDim: 128, base: 500000, type: 'default' } },
];

/** Overlaps of a chart's legend with its plot area (the box the two axis lines span) or a marker label. */
async function legendOverlaps(svg: Locator): Promise<string[]> {
  return svg.evaluate((el) => {
    type R = { left: number; right: number; top: number; bottom: number };
    const meet = (a: R, b: R) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    const legend = el.querySelector('.legend');
    if (!legend) return ['no legend'];
    const l = legend.getBoundingClientRect();
    const xAxis = el.querySelector('.axis-x > line.axis-line')!.getBoundingClientRect();
    const yAxis = el.querySelector('.axis-y > line.axis-line')!.getBoundingClientRect();
    const plot = { left: yAxis.left, right: xAxis.right, top: yAxis.top, bottom: xAxis.bottom };
    const found: string[] = [];
    if (meet(l, plot)) found.push(`plot area (legend ${JSON.stringify(l)}, plot ${JSON.stringify(plot)})`);
    for (const label of el.querySelectorAll('.marker-label'))
      if (meet(l, label.getBoundingClientRect())) found.push(`marker label ${label.textContent}`);
    const svgBox = el.getBoundingClientRect();
    if (l.right > svgBox.right + 1 || l.left < svgBox.left - 1) found.push('legend wider than the chart');
    return found;
  });
}

async function openStoredResult(page: Page, record: { result: { provenance: { probe: string } } }) {
  await page.goto('/?view=spectrum');
  await expect(page.locator('.chart-svg')).toHaveCount(1);
  await storeProbeRecords(page, [record]);
  await page.goto('/?view=spectrum');
  await page.getByRole('button', { name: 'Probes', exact: true }).click();
  await page
    .getByRole('region', { name: 'Stored probe results' })
    .getByRole('button', { name: new RegExp(`^${record.result.provenance.probe}`) })
    .click();
  return page.getByRole('region', { name: 'Probe result', exact: true });
}

for (const viewport of [DESKTOP, PHONE]) {
  test(`legends stay off the plot at ${viewport.width}×${viewport.height}`, async ({ page }) => {
    await page.setViewportSize(viewport);
    const cases = [
      {
        name: 'decay, linear to 1M',
        state: sampleState({ view: 'decay', xScale: 'linear', maxDistance: 1 << 20, contexts: [4096, 32768] }),
      },
      { name: 'decay, RoFormer bound, log', state: sampleState({ view: 'decay', decayMetric: 'roformerBound' }) },
      { name: 'base vs context, 5 series', state: sampleState({ view: 'base', series: FIVE_SERIES, contexts: [4096, 32768] }) },
    ];
    for (const c of cases) {
      await page.goto(`/?s=${encodeState(c.state)}`);
      if (c.state.view === 'base') await expect(page.getByTestId('base-status')).toContainText('Scanned', waitForCompute);
      const svg = page.locator('.chart-svg').first();
      await expect(svg.locator('.legend')).toBeVisible();
      expect(await legendOverlaps(svg), c.name).toEqual([]);
    }
    const loss = await openStoredResult(page, lossRecord());
    await expect(loss.locator('.chart-svg .legend')).toContainText('yarn ×4');
    expect(await legendOverlaps(loss.locator('.chart-svg').first()), 'loss by position').toEqual([]);
    const attention = await openStoredResult(page, attentionRecord());
    const wavelengths = attention.locator('.chart-svg', { has: page.locator('title', { hasText: 'Which rotary wavelengths carry q·k' }) });
    await expect(wavelengths.locator('.legend')).toContainText('yarn ×4');
    expect(await legendOverlaps(wavelengths), 'q·k wavelengths').toEqual([]);
  });
}

test('a probe chart reads out every series under the pointer', async ({ page }) => {
  const loss = await openStoredResult(page, lossRecord());
  const overlay = loss.getByRole('slider', { name: /Read the curves/ });
  const box = (await overlay.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  const readout = loss.locator('.readout');
  await expect(readout.locator('.readout-heading')).toContainText('token position');
  await expect(readout.locator('.readout-table tr')).toHaveCount(4);
  for (const value of await readout.locator('.readout-table td').allTextContents()) expect(Number(value)).toBeGreaterThan(0);
  await overlay.focus();
  await page.keyboard.press('Home');
  await expect(readout.locator('.readout-heading')).toContainText('token position 1');
});

test('long linear distance axes are drawn as per-column envelopes, and the note says so', async ({ page }) => {
  await page.goto(`/?s=${encodeState(sampleState({ view: 'decay', xScale: 'linear', maxDistance: 1 << 20 }))}`);
  const band = page.locator('.chart-svg path.series[data-series="Llama 2"]');
  // a closed band (min along the top, max back along the bottom), not a polyline of point samples
  await expect(band).toHaveAttribute('d', /Z$/);
  await expect(page.locator('.explanation')).toContainText('min–max');
});

test('charts grow on a wide screen', async ({ page }) => {
  const sizes = [];
  for (const viewport of [DESKTOP, { width: 2200, height: 1300 }]) {
    await page.setViewportSize(viewport);
    await page.goto(`/?s=${encodeState(sampleState({ view: 'decay' }))}`);
    sizes.push((await page.locator('.chart-svg').boundingBox())!);
  }
  expect(sizes[1].width).toBeGreaterThan(sizes[0].width * 1.3);
  expect(sizes[1].height).toBeGreaterThan(sizes[0].height * 1.2);
});

test('on a phone the chart comes first, nothing scrolls sideways, nothing is cut', async ({ page }) => {
  await page.setViewportSize(PHONE);
  for (const view of ['spectrum', 'rotation', 'decay', 'base', 'granularity']) {
    await page.goto(`/?s=${encodeState(sampleState({ view, series: FIVE_SERIES }))}`);
    if (view === 'base') await expect(page.getByTestId('base-status')).toContainText('Scanned', waitForCompute);
    await expect(page.locator('.chart-svg')).toHaveCount(1);
    const chartTop = (await page.locator('.chart-svg').boundingBox())!.y;
    const editorTop = (await page.getByRole('article', { name: 'Series 1' }).boundingBox())!.y;
    expect.soft(chartTop, `${view}: chart above the editor`).toBeLessThan(editorTop);
    expect
      .soft(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), `${view}: no horizontal overflow`)
      .toBe(true);
    if (view === 'rotation') {
      // the unit circle moves under the heat map rather than being cut off at the chart's edge
      const svg = (await page.locator('.chart-svg').boundingBox())!;
      const circle = (await page.locator('.unit-circle').boundingBox())!;
      expect.soft(circle.x + circle.width, 'unit circle inside the chart').toBeLessThanOrEqual(svg.x + svg.width + 1);
      expect.soft(circle.y + circle.height, 'unit circle inside the chart').toBeLessThanOrEqual(svg.y + svg.height + 1);
    }
    // a word of a table header on two lines has two client rects
    const brokenHeaders = await page.evaluate(() =>
      [...document.querySelectorAll('thead th')].flatMap((th) => {
        const text = th.firstChild;
        if (!text || text.nodeType !== Node.TEXT_NODE) return [];
        const words = [...(text.textContent ?? '').matchAll(/\S+/g)];
        return words
          .filter((w) => {
            const range = document.createRange();
            range.setStart(text, w.index!);
            range.setEnd(text, w.index! + w[0].length);
            return range.getClientRects().length > 1;
          })
          .map((w) => w[0]);
      }),
    );
    expect.soft(brokenHeaders, `${view}: header words broken`).toEqual([]);
  }
  const cut = await page.evaluate(() =>
    [...document.querySelectorAll('.field label')].filter((l) => l.scrollWidth > l.clientWidth + 1).map((l) => l.textContent),
  );
  expect(cut).toEqual([]);
});

test('field labels are not cut at desktop size', async ({ page }) => {
  await page.setViewportSize(DESKTOP);
  const series = [{ name: 'partial', color: '#4e79a7', config: { headDim: 128, base: 10000, type: 'default', partialRotaryFactor: 0.5 } }];
  await page.goto(`/?s=${encodeState(sampleState({ series }))}`);
  await expect(page.getByText('partial rotary')).toBeVisible();
  const cut = await page.evaluate(() =>
    [...document.querySelectorAll('.field label')].filter((l) => l.scrollWidth > l.clientWidth + 1).map((l) => l.textContent),
  );
  expect(cut).toEqual([]);
});

test('coinciding unit-circle markers stay distinguishable; context lines stand out on the heat map', async ({ page }) => {
  const twin = { name: 'twin', color: '#e15759', config: { headDim: 128, base: 10000, type: 'default' } };
  const state = sampleState({ view: 'rotation', contexts: [4096, 32768] });
  await page.goto(`/?s=${encodeState({ ...state, series: [...state.series, twin] })}`);
  // Llama 2 and its twin share every angle: each marker must still show a ring of its own colour.
  const markers = await page
    .locator('.unit-circle .hand-marker')
    .evaluateAll((els) =>
      els.map((e) => ({ x: Number(e.getAttribute('cx')), y: Number(e.getAttribute('cy')), r: Number(e.getAttribute('r')) })),
    );
  expect(markers).toHaveLength(3);
  for (let a = 0; a < markers.length; a++) {
    for (let b = a + 1; b < markers.length; b++) {
      // b is drawn over a: a stays visible unless b covers it entirely
      const d = Math.hypot(markers[a].x - markers[b].x, markers[a].y - markers[b].y);
      expect(d + markers[a].r, `marker ${a} hidden under marker ${b}`).toBeGreaterThan(markers[b].r + 1);
    }
  }
  // each context line has a light halo under its dark dash, so it shows on red and on blue
  for (const label of ['4K', '32K']) {
    const marker = page.locator('.chart-svg .marker', { has: page.locator('.marker-label', { hasText: new RegExp(`^${label}$`) }) });
    await expect(marker.locator('.marker-halo')).toHaveCount(1);
  }
});
