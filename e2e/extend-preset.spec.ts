// "Extending SmolLM2 past 8K" in real Chromium (WebGPU on SwiftShader). A link opens the experiment;
// with the lab's own model loaded, one click loads SmolLM2-135M-Instruct from the catalogue (the Hub
// answered by a local file host, as in catalogue.spec.ts) and starts the run on it, with progress; Cancel
// stops it. A whole run takes hours on SwiftShader, so only its start is exercised here.
import { expect, test } from '@playwright/test';
import { requireTestFiles, SMOLLM2_Q4_1 } from '../tests/helpers/shared.ts';
import { routeHubTo, startRangeServer, type RangeServer } from './fixtures/range-server.ts';

const HAVE_MODEL = requireTestFiles('e2e extend-smollm2', SMOLLM2_Q4_1);
test.skip(!HAVE_MODEL, 'needs the SmolLM2 test model: node scripts/test-models.mjs');

let server: RangeServer;
test.beforeAll(async () => {
  if (HAVE_MODEL) server = await startRangeServer(SMOLLM2_Q4_1);
});
test.afterAll(async () => server?.close());

test('the extend-smollm2 link loads SmolLM2 from the catalogue, runs on it with progress, and cancels', async ({ page }) => {
  test.setTimeout(480_000);
  await routeHubTo(page, server);
  const gguf: string[] = [];
  page.on('request', (r) => r.url().endsWith('.gguf') && gguf.push(new URL(r.url()).pathname));
  await page.goto('/?preset=extend-smollm2&ctx=1024');
  const card = page.locator('[data-preset="extend-smollm2"]');
  await expect(card.getByLabel('Extending SmolLM2 past 8K context')).toHaveValue('1024'); // the card took the link's context
  await expect(page.getByRole('region', { name: 'Shared experiment' })).toContainText(
    'Extending SmolLM2 past 8K experiment at 1,024 tokens',
  );
  expect(new URL(page.url()).searchParams.get('ctx')).toBe('1024');

  // the experiment brings its own model: the lab's default is not fetched for it; the run loads SmolLM2
  await expect(page.getByRole('status', { name: 'Model for the probes' })).toContainText('No model is loaded.');
  expect(gguf).toEqual([]);
  await card.getByRole('button', { name: 'Run Extending SmolLM2 past 8K' }).click();
  const progress = page.getByRole('status', { name: 'Probe progress' });
  await expect(progress).toContainText('own (base 100K) · ctx 128', { timeout: 240_000 });
  expect(server.requests.some((r) => r.path.endsWith('SmolLM2-135M-Instruct-Q8_0.gguf'))).toBe(true);
  await page.getByRole('button', { name: 'Model & playground' }).click();
  await expect(page.getByRole('region', { name: 'Loaded model' })).toContainText('Smollm2 135M'); // the file's general.name
  await page.getByRole('button', { name: 'Probes' }).click();
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The probe was cancelled.' })).toBeVisible({ timeout: 240_000 });
});

test('another model is refused by name, and a bad context in the link is reported', async ({ page }) => {
  await page.goto('/?preset=extend-smollm2&ctx=99');
  await expect(
    page.getByRole('alert').filter({ hasText: 'the ctx parameter must be an integer from 1024 to 32768, got "99"' }),
  ).toBeVisible();
});
