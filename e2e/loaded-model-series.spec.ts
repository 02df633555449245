// "The loaded model" in the analytics, in real Chromium (WebGPU on SwiftShader): the built-in PI model
// (linear ×8 from 256 tokens, a RoPE none of the default series has) loads in the Model section; the
// analytics' "Add the loaded model" adds its RoPE as a series that the spectrum and decay views draw and
// the legend names, and the URL carries it through a reload as an ordinary series.
import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { waitForCompute } from './fixtures/compute-wait.ts';
import { stateFromUrl } from './labState.ts';

const MODELS_DIR = new URL('../public/models/', import.meta.url).pathname;
test.skip(!existsSync(`${MODELS_DIR}pi.gguf`), 'needs the built-in model public/models/pi.gguf');

const NAME = 'stage2-pi · loaded model';

test('the loaded model becomes a series in the views and the URL, and a reload keeps it', async ({ page }) => {
  await page.goto('/?model=builtin:pi');
  await page.getByRole('button', { name: 'RoPE analytics' }).click();
  const configurations = page.getByRole('region', { name: 'Configurations' });
  // no model yet: nothing to add
  await expect(configurations.getByRole('button', { name: 'Add the loaded model' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Model & playground' }).click();
  await expect(page.locator('li[data-model="pi"]')).toContainText('Loaded', waitForCompute);
  await page.getByRole('button', { name: 'RoPE analytics' }).click();
  const before = stateFromUrl(page.url()).series.length;
  await configurations.getByRole('button', { name: 'Add the loaded model' }).click();

  const spectrum = page.locator('.chart-svg').filter({ has: page.locator(`path.series[data-series="${NAME}"]`) });
  await expect(spectrum.locator(`path.series[data-series="${NAME}"]`)).toHaveAttribute('d', /^M/);
  await expect(spectrum.locator('.legend')).toContainText(NAME);
  await expect.poll(() => stateFromUrl(page.url()).series.length).toBe(before + 1);
  const added = stateFromUrl(page.url()).series.at(-1)!;
  expect(added.name).toBe(NAME);
  expect(added.config).toMatchObject({ type: 'linear', factor: 8, base: 10000, headDim: 64 });

  await page.getByRole('tab', { name: 'Decay' }).click();
  await expect(page.locator(`.chart-svg path.series[data-series="${NAME}"]`)).toHaveAttribute('d', /^M/);

  // the link alone restores it: an ordinary series (the link's ?model= reopens the Model section)
  await page.goto(page.url());
  await page.getByRole('button', { name: 'RoPE analytics' }).click();
  await expect(page.getByRole('article', { name: `Series ${before + 1}` })).toBeVisible();
  await expect(page.locator(`.chart-svg path.series[data-series="${NAME}"]`)).toHaveAttribute('d', /^M/);
  expect(stateFromUrl(page.url()).series.at(-1)).toEqual(added);
});
