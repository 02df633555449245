// When the page loads a model, and what it says meanwhile (real Chromium, WebGPU on SwiftShader): the
// analytics alone fetch no model and start no engine worker; opening a model section or following the
// flagship preset link loads the default; the probes say the model is loading (with progress), never
// "load a model first", open on a held-out text, and show the time left of a run; the footer holds no
// stale "Computing…"; a bad link's error banner, once dismissed, stays dismissed. The lab's 9 MB models
// are served as the tiny stories260K here, which tests the wiring, not the models.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { requireTestFiles } from '../tests/helpers/shared.ts';
import { STORIES_Q8_0 as STORIES } from './fixtures/test-models.ts';
import { waitForCompute } from './fixtures/compute-wait.ts';

test.skip(!requireTestFiles('e2e model loading', STORIES), 'needs the shared stories260K-Q8_0.gguf');

interface Traffic {
  gguf: string[];
  engineWorkers: string[];
  /** Resolves the held model responses (see hold). */
  release(): void;
}

/** Logs model requests and engine workers; the built-in models answer with stories260K, held back while `hold`. */
async function watch(page: Page, hold = false): Promise<Traffic> {
  const stories = readFileSync(STORIES);
  let release!: () => void;
  const released = hold ? new Promise<void>((r) => (release = r)) : Promise.resolve();
  const traffic: Traffic = { gguf: [], engineWorkers: [], release: () => release?.() };
  page.on('worker', (worker) => {
    if (worker.url().includes('engine.worker')) traffic.engineWorkers.push(worker.url());
  });
  await page.route('**/models/*.gguf', async (route) => {
    traffic.gguf.push(new URL(route.request().url()).pathname);
    await released;
    await route.fulfill({ status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: stories });
  });
  return traffic;
}

const builtin = (page: Page, name: string) => page.getByRole('region', { name: 'Built-in models' }).locator(`li[data-model="${name}"]`);

test('the analytics alone load no model and start no engine; the Model section loads the default', async ({ page }) => {
  const traffic = await watch(page);
  await page.goto('/');
  await expect(page.getByRole('region', { name: 'Configurations' })).toBeVisible();
  await page.waitForTimeout(3000);
  expect(traffic.gguf).toEqual([]);
  expect(traffic.engineWorkers).toEqual([]);
  await expect(page.getByTestId('recompute-status')).toHaveText(/Last recompute: \d+\.\d ms/);

  await page.getByRole('button', { name: 'Model & playground' }).click();
  await expect(builtin(page, 'abf')).toContainText('Loaded', waitForCompute);
  expect(traffic.gguf).toEqual(['/models/abf.gguf']);
  expect(traffic.engineWorkers).toHaveLength(1);
});

test('the flagship link loads at once; the probes say the model is loading, open on held-out text, and show time left', async ({
  page,
}) => {
  const traffic = await watch(page, true);
  await page.goto('/?preset=rope-pi-abf&ctx=256');
  await expect.poll(() => traffic.gguf).toEqual(['/models/abf.gguf']);
  const status = page.getByRole('status', { name: 'Model for the probes' });
  await expect(status).toContainText('Loading the model… Fetching the built-in model');
  await expect(status.locator('progress')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Shared experiment' })).toContainText('(the model is loading…)');
  await expect(page.getByText(/load a model first|waiting for a model/i)).toHaveCount(0);
  await expect(page.getByTestId('recompute-status')).not.toContainText('Computing');

  // the form opens on a held-out text; the texts the lab's models trained on say so
  const text = page.getByLabel('Text', { exact: true });
  await expect(text).toHaveValues(['sotu-2018-donald-j-trump']);
  await expect(text.locator('option[value="sotu-2016-barack-obama"]')).toHaveText('State of the Union 2016, Barack Obama (trained on)');
  await expect(text.locator('option[value="sotu-2018-donald-j-trump"]')).toHaveText('State of the Union 2018, Donald J. Trump');

  traffic.release();
  await expect(page.getByRole('button', { name: 'Run the experiment' })).toBeEnabled(waitForCompute);
  await expect(status).toHaveCount(0);

  // a run of several forward passes: "estimating…" at first, then the time left from the measured speed
  await page.evaluate(() => {
    const seen = new Set<string>();
    (window as unknown as { etaSeen: Set<string> }).etaSeen = seen;
    new MutationObserver(() => {
      const eta = document.querySelector('[data-testid="probe-eta"]');
      if (eta?.textContent) seen.add(eta.textContent);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByLabel('Context (tokens)').fill('64');
  for (const factor of [2, 4, 8, 16, 32]) {
    await page.getByLabel('Override factor').fill(String(factor));
    await page.getByRole('button', { name: 'Add variant' }).click();
  }
  await page.getByRole('button', { name: 'Run probe' }).click();
  await expect(page.getByRole('region', { name: 'Probe result', exact: true }).locator('path.series')).toHaveCount(6, waitForCompute);
  const seen = await page.evaluate(() => [...(window as unknown as { etaSeen: Set<string> }).etaSeen]);
  expect(seen).toContain(' · estimating…');
  expect(seen.some((t) => / · (a few seconds|about \d+ s) left$/.test(t))).toBe(true);
});

test('a bad link is reported once: dismissed, it does not come back when the section opens again', async ({ page }) => {
  await watch(page);
  await page.goto('/?preset=nope');
  const alert = page.getByRole('alert').filter({ hasText: 'the preset parameter must be one of' });
  await expect(alert).toHaveCount(1);
  await page.getByRole('button', { name: 'Dismiss notice' }).click();
  await expect(alert).toHaveCount(0);
  await page.getByRole('button', { name: 'RoPE analytics' }).click();
  await page.getByRole('button', { name: 'Probes', exact: true }).click();
  await expect(page.getByRole('form', { name: 'Probe settings' })).toBeVisible();
  await page.waitForTimeout(1000);
  await expect(alert).toHaveCount(0);
  expect(new URL(page.url()).searchParams.has('preset')).toBe(false);
});
