// The analytics page end to end: an edit redraws the views and lands in the URL, the URL restores the
// state, back/forward walk the history, and every export format downloads.
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { stateFromUrl } from './labState.ts';

const seriesPath = (page: Page, name: string) => page.locator(`.chart-svg path.series[data-series="${name}"]`);
const baseInput = (page: Page, series: number) => page.getByRole('article', { name: `Series ${series}` }).getByLabel('base b');

test('editing a base redraws the spectrum and updates the URL; reload restores it', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'RoPE Lab' })).toBeVisible();
  const path = seriesPath(page, 'Llama 2 (base 10K)');
  const before = await path.getAttribute('d');
  expect(before).toMatch(/^M/);

  await baseInput(page, 1).fill('20000');
  // the preset's name no longer fits: a name the lab gave follows the parameters
  const edited = seriesPath(page, 'base 20K');
  await expect(edited).toHaveAttribute('d', /^M/);
  expect(await edited.getAttribute('d')).not.toBe(before);
  await expect(path).toHaveCount(0);
  await expect.poll(() => stateFromUrl(page.url()).series[0].config.base).toBe(20000);
  const after = await edited.getAttribute('d');

  await page.reload();
  await expect(baseInput(page, 1)).toHaveValue('20000');
  await expect(edited).toHaveAttribute('d', after!);
  // The status line reports the last recompute time.
  await expect(page.getByTestId('recompute-status')).toHaveText(/Last recompute: \d+\.\d ms/);
});

test('a preset and a type change reach the views and the URL', async ({ page }) => {
  await page.goto('/?view=decay');
  const card = page.getByRole('article', { name: 'Series 3' });
  await card.getByLabel('Preset for series 3').selectOption('yarn-x8');
  await expect(page.locator('.chart-svg path.series[data-series="YaRN ×8"]')).toHaveAttribute('d', /^M/);
  await expect
    .poll(() => stateFromUrl(page.url()).series[2].config)
    .toEqual({
      headDim: 128,
      base: 10000,
      type: 'yarn',
      factor: 8,
      originalContext: 4096,
    });
  // YaRN's own fields appear; an invalid value is refused with a message and not applied.
  const betaSlow = card.getByLabel('β slow');
  await betaSlow.fill('64');
  await expect(card.getByText(/betaFast \(32\) must be ≥ betaSlow \(64\)/)).toBeVisible();
  expect(stateFromUrl(page.url()).series[2].config.betaSlow).toBeUndefined();
});

test('back and forward walk through discrete changes', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('tab', { name: 'Decay' }).click();
  await expect(page.getByRole('heading', { name: 'Decay over distance' })).toBeVisible();
  await page.getByLabel('linear').check();
  await expect.poll(() => stateFromUrl(page.url()).xScale).toBe('linear');

  await page.goBack();
  await expect(page.getByLabel('log', { exact: true })).toBeChecked();
  await expect(page.getByRole('heading', { name: 'Decay over distance' })).toBeVisible();
  await page.goBack();
  await expect(page.getByRole('heading', { name: 'Frequency spectrum' })).toBeVisible();
  await page.goForward();
  await page.goForward();
  await expect(page.getByLabel('linear')).toBeChecked();
  expect(stateFromUrl(page.url()).view).toBe('decay');
});

test('typing into one field coalesces into a single history entry', async ({ page }) => {
  await page.goto('/');
  const start = await page.evaluate(() => history.length);
  const input = baseInput(page, 2);
  await input.focus();
  await input.press('End');
  await input.pressSequentially('0', { delay: 30 }); // 500000 → 5000000
  await input.press('Backspace');
  await input.pressSequentially('1', { delay: 30 }); // → 5000001
  await expect.poll(() => stateFromUrl(page.url()).series[1].config.base).toBe(5000001);
  expect(await page.evaluate(() => history.length)).toBe(start + 1);
});

test('dragging the base slider rewrites one history entry and redraws on every step', async ({ page }) => {
  await page.goto('/?view=decay');
  const start = await page.evaluate(() => history.length);
  // by position: the series' name follows its base while the name is the lab's
  const path = page.locator('.chart-svg path.series').nth(1);
  await expect(path).toHaveAttribute('data-series', 'Llama 2 Long ABF (base 500K)');
  const slider = page.getByRole('slider', { name: 'Base of series 2 (log scale)' });
  await slider.focus();
  let previous = await path.getAttribute('d');
  for (let step = 0; step < 5; step++) {
    await slider.press('ArrowRight'); // log10(base) += 0.01 per step
    await expect(path).not.toHaveAttribute('d', previous!);
    previous = await path.getAttribute('d');
  }
  // The range snaps log10(500000) = 5.699 to its 0.01 grid (5.70); five steps later the base is 10^5.75,
  // which the slider rounds to 4 significant digits.
  await expect.poll(() => stateFromUrl(page.url()).series[1].config.base).toBe(562_300);
  await expect(path).toHaveAttribute('data-series', 'base 562.3K');
  expect(await page.evaluate(() => history.length)).toBe(start + 1);
  await expect(page.getByTestId('recompute-status')).toHaveText(/Last recompute: \d+\.\d ms \(main thread\)/);
});

test('each export format downloads', async ({ page }) => {
  await page.goto('/?view=spectrum');
  const exports = page.getByRole('group', { name: 'Export this view' });
  const save = async (format: string) => {
    const [download] = await Promise.all([page.waitForEvent('download'), exports.getByRole('button', { name: format }).click()]);
    expect(download.suggestedFilename()).toBe(`rope-lab-spectrum.${format.toLowerCase()}`);
    return readFile((await download.path())!);
  };
  const svg = (await save('SVG')).toString('utf8');
  expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg).toContain('Llama 2 (base 10K)');
  expect(svg).not.toContain('data-export="skip"');
  const png = await save('PNG');
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const csv = (await save('CSV')).toString('utf8').trim().split('\n');
  expect(csv[0]).toBe(
    'pair,Llama 2 (base 10K) wavelength (tokens),Llama 2 (base 10K) theta (rad/token),Llama 2 Long ABF (base 500K) wavelength (tokens),Llama 2 Long ABF (base 500K) theta (rad/token),Position interpolation ×8 wavelength (tokens),Position interpolation ×8 theta (rad/token)',
  );
  expect(csv).toHaveLength(65);
  // Pair 0 of plain RoPE has θ = 1 rad/token, wavelength 2π.
  const [pair, wavelength, theta] = csv[1].split(',').map(Number);
  expect(pair).toBe(0);
  expect(wavelength).toBeCloseTo(2 * Math.PI, 6);
  expect(theta).toBe(1);
  const json = JSON.parse((await save('JSON')).toString('utf8'));
  expect(json.view).toBe('spectrum');
  expect(json.series).toHaveLength(3);
  // PI ×8 divides every θ by 8 (θ₁₀ = 10000^(−20/128) / 8), to float32 precision.
  expect(json.series[2].theta[10]).toBeCloseTo(10000 ** (-20 / 128) / 8, 7);
});

test('Copy link puts the reproducing URL on the clipboard', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/?view=granularity');
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByRole('button', { name: 'Link copied' })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(page.url());
  expect(stateFromUrl(copied).view).toBe('granularity');
});
