// Links as long as the codec allows (`?s=` up to MAX_STATE_PARAM_LENGTH) reach the app through the dev
// server: Node's default 16 KB header limit would answer them with HTTP 431 before the page loads.
import { expect, test } from '@playwright/test';
import { LONG_SERIES_NAMES, longStateParam } from './fixtures/long-link.ts';

test('a ?s= link of the longest accepted length loads and shows its state', async ({ page }) => {
  const { s } = longStateParam();
  const response = await page.goto(`/?s=${s}`);
  expect(response!.status()).toBe(200);
  for (const [i, name] of LONG_SERIES_NAMES.entries())
    await expect(page.getByRole('textbox', { name: `Name of series ${i + 1}` })).toHaveValue(name);
  await expect(page.getByRole('combobox', { name: `RoPE type of series 8` })).toHaveValue('longrope');
  await expect(page.getByRole('tab', { name: 'Spectrum' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('alert')).toHaveCount(0);
});
