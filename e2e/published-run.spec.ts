// The extension experiment measured on the H100 and published with the page (public/results/): the
// preset's card points to it, one click shows it with where and when it ran, and SmolLM2 is neither fetched
// nor run in the browser for it.
import { expect, test } from '@playwright/test';

test('the published extend-smollm2 run opens from its card, labelled with its GPU and date', async ({ page }) => {
  const gguf: string[] = [];
  page.on('request', (r) => r.url().endsWith('.gguf') && gguf.push(r.url()));
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Lab sections' }).getByRole('button', { name: 'Probes' }).click();
  const card = page.locator('[data-preset="extend-smollm2"]');
  await card.getByRole('button', { name: '16,384 tokens' }).click();

  const banner = page.getByRole('note', { name: 'Published run' });
  await expect(banner).toContainText('Measured on NVIDIA H100 80GB HBM3');
  await expect(banner).toContainText('on 2026-12-07');
  await expect(banner).toContainText('file sha256 b179c9523d0e');
  await expect(banner.getByRole('button', { name: /re-run on your GPU/ })).toBeVisible();
  await expect(card.getByLabel('Extending SmolLM2 past 8K context')).toHaveValue('16384');
  await expect.poll(() => new URL(page.url()).searchParams.get('ctx')).toBe('16384');
  // the five probes' charts, each with a curve or cell per RoPE variant
  await expect(page.locator('.probe-chart .chart-svg').first()).toBeVisible();
  await expect(page.getByText('own (base 100K)').first()).toBeVisible();
  // showing it downloads no SmolLM2 (opening Probes loads only the lab's own default model)
  expect(gguf.filter((u) => /smollm2/i.test(u))).toEqual([]);
});

test('on a phone the published results come before the probe settings, with no sideways scroll', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/?preset=extend-smollm2&ctx=16384');
  const banner = page.getByRole('note', { name: 'Published run' });
  await expect(banner).toBeVisible();
  const form = await page.locator('.probes-side').boundingBox();
  const results = await page.locator('.probes-main').boundingBox();
  expect(results!.y).toBeLessThan(form!.y);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
