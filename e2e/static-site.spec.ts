// The built site as users host it: `vite build` (what `npm run build` runs after the typecheck) into a
// temporary folder, served by a plain static file server from a sub-path (`/rope-lab/`), then a view,
// a `?s=` link, the longest accepted link (also through `vite preview`), an embed that runs a probe on
// a built-in model (the worker finds models/ and the text chunks), and the full page loading the
// built-in model and generating. Nothing may be asked for outside the sub-path or go unanswered.
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preview, type PreviewServer } from 'vite';
import { LONG_SERIES_NAMES, longStateParam } from './fixtures/long-link.ts';
import { startStaticServer, type StaticServer } from './fixtures/static-server.ts';
import { encodeState, sampleState } from './labState.ts';
import { COMPUTE_WAIT_MS, waitForCompute } from './fixtures/compute-wait.ts';

const MODELS_DIR = new URL('../public/models/', import.meta.url).pathname;
const PREFIX = '/rope-lab/';

test.describe.configure({ mode: 'serial' });

let dist = '';
let site: StaticServer;

test.beforeAll(async () => {
  test.setTimeout(240_000); // a production build, on a machine the unit suite shares
  dist = mkdtempSync(join(tmpdir(), 'rope-lab-dist-'));
  const started = Date.now();
  execFileSync('npx', ['vite', 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'error'], { stdio: 'inherit' });
  console.log(`vite build: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  site = await startStaticServer(dist, PREFIX);
});

test.afterAll(async () => {
  await site?.close();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

/** Fails the test on anything the page asked of the static host that it did not have, or asked outside the sub-path. */
function expectAllServed() {
  const bad = site.requests.filter((r) => r.status >= 400 || !r.path.startsWith(PREFIX));
  expect(bad, 'requests the static site could not answer').toEqual([]);
}

/** Page errors and failed requests, collected for the test's end. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // a navigation cancels what the page was still loading; that is no fault of the site
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  return problems;
}

test.beforeEach(() => {
  site.requests.length = 0;
});

test('a view opens from the sub-path with relative assets', async ({ page }) => {
  const problems = watch(page);
  const response = await page.goto(`${site.url}?view=decay`);
  expect(response!.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'RoPE Lab' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Decay' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.chart-svg path.series').first()).toHaveAttribute('d', /^M/);
  expect(site.requests.some((r) => r.path.startsWith(`${PREFIX}assets/`) && r.path.endsWith('.js'))).toBe(true);
  expectAllServed();
  expect(problems).toEqual([]);
});

test('a ?s= link shows its state and the address stays under the sub-path', async ({ page }) => {
  const problems = watch(page);
  const state = sampleState({ view: 'spectrum' });
  state.series[0].name = 'Shared from a sub-path';
  await page.goto(`${site.url}?s=${encodeState(state)}`);
  await expect(page.getByRole('textbox', { name: 'Name of series 1' })).toHaveValue('Shared from a sub-path');
  await expect(page.getByRole('tab', { name: 'Spectrum' })).toHaveAttribute('aria-selected', 'true');
  // the link the page writes (and Copy link copies) opens the same state again
  const written = page.url();
  expect(written.startsWith(site.url)).toBe(true);
  await page.getByRole('tab', { name: 'Rotation' }).click();
  await expect(page).toHaveURL(/[?&]s=/);
  await page.goto(page.url());
  await expect(page.getByRole('textbox', { name: 'Name of series 1' })).toHaveValue('Shared from a sub-path');
  await expect(page.getByRole('tab', { name: 'Rotation' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('alert')).toHaveCount(0);
  expectAllServed();
  expect(problems).toEqual([]);
});

test('the longest accepted link loads from the static host and from vite preview', async ({ page }) => {
  const { s } = longStateParam();
  const expectLoaded = async (url: string) => {
    const response = await page.goto(url);
    expect(response!.status()).toBe(200);
    await expect(page.getByRole('textbox', { name: 'Name of series 8' })).toHaveValue(LONG_SERIES_NAMES[7]);
    await expect(page.getByRole('alert')).toHaveCount(0);
  };
  await expectLoaded(`${site.url}?s=${s}`);
  expectAllServed();
  const server: PreviewServer = await preview({ build: { outDir: dist }, preview: { host: '127.0.0.1', port: 0 }, logLevel: 'silent' });
  try {
    await expectLoaded(`${server.resolvedUrls!.local[0]}?s=${s}`);
  } finally {
    await server.close();
  }
});

test('an embed from the sub-path answers its host and runs a probe on a built-in model', async ({ page, baseURL }) => {
  test.skip(
    !['abf', 'stage1'].every((name) => existsSync(`${MODELS_DIR}${name}.gguf`)),
    'needs the built-in models public/models/{abf,stage1}.gguf',
  );
  const problems = watch(page);
  // The dev server (another origin) hosts the frame, as a notebook would.
  const lab = `${site.url}?embed=1&view=decay`;
  await page.goto(`${baseURL}/e2e/fixtures/host.html?lab=${encodeURIComponent(lab)}`);
  type Data = { type: string; [key: string]: unknown };
  const received = () => page.evaluate(() => (window as unknown as { received: Array<{ data: Data }> }).received.map((m) => m.data));
  const send = (message: unknown) => page.evaluate((m) => (window as unknown as { send(m: unknown): void }).send(m), message);
  const reply = async (type: string, timeout = 20_000) => {
    let found: Data | undefined;
    await expect
      .poll(
        async () => {
          found = (await received()).find((m) => m.type === type || m.type === 'rope-lab:error');
          return found !== undefined;
        },
        { timeout },
      )
      .toBe(true);
    expect(found!.type, JSON.stringify(found).slice(0, 400)).toBe(type);
    return found!;
  };
  await reply('rope-lab:ready');
  await expect(page.frameLocator('#lab').locator('svg.chart-svg path.series').first()).toHaveAttribute('d', /^M/);
  await send({ type: 'rope-lab:get' });
  expect(((await reply('rope-lab:state')).url as string).startsWith(site.url)).toBe(true);

  // The page loads its default model, the worker fetches stage1 by itself and a text chunk.
  const text = 'sotu-2018-donald-j-trump';
  await send({
    type: 'rope-lab:run',
    probe: 'loss-by-position',
    options: { texts: [text], ctx: 32, variants: [{ label: 'stage1', rope: null, model: 'builtin:stage1' }] },
  });
  const result = (await reply('rope-lab:result', COMPUTE_WAIT_MS)).result as {
    series: Array<{ meanLoss: number }>;
    provenance: { variantModels: Array<{ name: string }> };
  };
  expect(result.series[0].meanLoss).toBeGreaterThan(0);
  expect(result.provenance.variantModels.map((m) => m.name)).toEqual(['stage1']);
  const models = site.requests.filter((r) => r.path.endsWith('.gguf')).map((r) => r.path);
  expect(models).toContain(`${PREFIX}models/stage1.gguf`);
  expect(models).toContain(`${PREFIX}models/abf.gguf`);
  expect(site.requests.some((r) => r.path.startsWith(`${PREFIX}assets/2018_donald_j_trump`))).toBe(true);
  expectAllServed();
  expect(problems).toEqual([]);
});

test('the full page loads the built-in model from the sub-path and generates', async ({ page }) => {
  test.skip(!existsSync(`${MODELS_DIR}abf.gguf`), 'needs the built-in model public/models/abf.gguf');
  const problems = watch(page);
  await page.goto(site.url);
  await page.getByRole('button', { name: 'Model & playground' }).click();
  await expect(page.getByRole('region', { name: 'Built-in models' }).locator('li[data-model="abf"]')).toContainText(
    'Loaded',
    waitForCompute,
  );
  await expect(page.getByRole('region', { name: 'Loaded model' })).toBeVisible();
  await page.getByLabel('Prompt').fill('The');
  await page.getByLabel('Max tokens', { exact: true }).fill('4');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.locator('[data-stat="tokens"]')).toHaveText(/^[1-4] tokens?$/, waitForCompute);
  expect(site.requests.filter((r) => r.path.endsWith('.gguf')).map((r) => r.path)).toEqual([`${PREFIX}models/abf.gguf`]);
  expectAllServed();
  expect(problems).toEqual([]);
});
