// The Hugging Face catalogue and the chat playground with a real pretrained model (SmolLM2-135M-Instruct,
// Q4_1, from tests/helpers/test-models.ts) in real Chromium (WebGPU on SwiftShader). The Hub cannot be reached
// here, so huggingface.co answers with a redirect to a local file host, as the Hub redirects to its CDN;
// the catalogue's own click and link are what is exercised. Generation is kept to a few tokens: SmolLM2
// decodes at about 1 token/s on SwiftShader.
import { expect, test, type Page } from '@playwright/test';
import { basename } from 'node:path';
import { readGGUF } from '../src/gguf/index.ts';
import { fileSource } from '../src/gguf/source-node.ts';
import { chatPrompt } from '../src/state/chatPrompt.ts';
import { createTokenizer } from '../src/tokenizer/index.ts';
import { requireTestFiles, SMOLLM2_Q4_1 } from '../tests/helpers/shared.ts';
import { routeHubTo, startRangeServer, type RangeServer } from './fixtures/range-server.ts';
import { fillSamplingSetting, generationStat, loadedModelRegion } from './fixtures/model-panel.ts';
import { waitForCompute } from './fixtures/compute-wait.ts';

const HAVE_MODEL = requireTestFiles('e2e catalogue', SMOLLM2_Q4_1);
test.skip(!HAVE_MODEL, 'needs the SmolLM2 test model: node scripts/test-models.mjs');

const CATALOGUE_FILE = 'SmolLM2-135M-Instruct-Q8_0.gguf';

let server: RangeServer;
test.beforeAll(async () => {
  if (HAVE_MODEL) server = await startRangeServer(SMOLLM2_Q4_1);
});
test.afterAll(async () => server?.close());

const catalogueEntry = (page: Page, id: string) => page.getByRole('region', { name: 'Model catalogue' }).locator(`[data-model="${id}"]`);
const downloadsOf = (path: string) => server.requests.filter((r) => r.method === 'GET' && r.path === path);

async function waitForLoad(page: Page, timeout: number) {
  await expect(page.getByRole('status', { name: 'Model loading progress' })).toHaveCount(0, { timeout });
  await expect(page.getByRole('region', { name: 'Model', exact: true }).getByRole('alert')).toHaveCount(0);
  await expect(loadedModelRegion(page)).toBeVisible();
}

test('catalogue: one click loads SmolLM2 from the Hub (Range-checked, cached), chats, and loads again from the cache after reload', async ({
  page,
}) => {
  test.setTimeout(480_000);
  const hubRequests = await routeHubTo(page, server);
  const hubPath = `/hub/bartowski/SmolLM2-135M-Instruct-GGUF/resolve/main/${CATALOGUE_FILE}`;

  await page.goto('/');
  await page.getByRole('button', { name: 'Model & playground' }).click();
  await waitForLoad(page, 60_000); // the lab's own default model, same origin
  const smol = catalogueEntry(page, 'smollm2-135m-instruct');
  await expect(smol).toContainText('145 MB');
  await expect(smol).toContainText('Apache-2.0');
  await expect(catalogueEntry(page, 'llama-3.2-1b-instruct')).toContainText(/Llama 3\.2 Community License.*gated/s);

  let started = Date.now();
  await smol.getByRole('button', { name: 'Load SmolLM2 135M Instruct' }).click();
  await waitForLoad(page, 90_000);
  console.log(`SmolLM2 from the catalogue (header check, download, cache, GPU upload): ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await expect(smol).toContainText('Loaded');
  expect(hubRequests.length).toBeGreaterThan(0);
  const hubGets = downloadsOf(hubPath);
  expect(
    hubGets.some((r) => r.range !== null),
    'the header was read with Range requests',
  ).toBe(true);
  expect(
    hubGets.filter((r) => r.range === null),
    'one full download',
  ).toHaveLength(1);
  await expect(loadedModelRegion(page).getByText('Chat template').locator('..')).toContainText('yes');
  expect(new URL(page.url()).searchParams.get('model')).toBe(`https://huggingface.co${hubPath.slice('/hub'.length)}`);

  // Chat: the template's default system prompt, a few greedy tokens, the reply in the conversation. The
  // prompt is the conversation in SmolLM2's template with its markers read as single tokens.
  const question = 'What is the capital of France?';
  const tokenizer = createTokenizer((await readGGUF(await fileSource(SMOLLM2_Q4_1))).metadata);
  const promptTokens = tokenizer.encode(chatPrompt(tokenizer.chatFormat!, '', [{ role: 'user', content: question }]), {
    parseSpecial: true,
  }).length;
  await page.getByRole('radio', { name: 'Chat' }).check();
  await fillSamplingSetting(page, 'Temperature', 0);
  await fillSamplingSetting(page, 'Max tokens', 4);
  await page.getByLabel('Message').fill(question);
  started = Date.now();
  await page.getByRole('button', { name: 'Send' }).click();
  const conversation = page.getByRole('list', { name: 'Conversation' });
  await expect(generationStat(page, 'stopped-by')).toBeVisible(waitForCompute);
  console.log(
    `chat reply (${await generationStat(page, 'tokens').textContent()}, ${await generationStat(page, 'prompt').textContent()}): ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  await expect(generationStat(page, 'prompt')).toContainText(`prompt ${promptTokens} tokens`);
  await expect(conversation.getByRole('listitem')).toHaveCount(2);
  await expect(conversation.getByRole('listitem').first()).toContainText(question);
  const reply = (await conversation.getByRole('listitem').nth(1).locator('.chat-text').textContent())!;
  console.log(`assistant: ${JSON.stringify(reply)}`);
  expect(reply.trim().length).toBeGreaterThan(0);
  expect(reply).not.toContain('<|im_');
  await expect(page.getByLabel('Message')).toHaveValue('');

  // A new visit (the lab's default model loads): the catalogue marks SmolLM2 as cached, and one click
  // loads it from OPFS without a request to the Hub or the file host.
  const serverSeen = server.requests.length;
  const hubSeen = hubRequests.length;
  await page.goto('/');
  await page.getByRole('button', { name: 'Model & playground' }).click();
  await waitForLoad(page, 60_000);
  await expect(smol).toContainText('Cached');
  await expect(page.getByRole('region', { name: 'Cached models' })).toContainText(CATALOGUE_FILE);
  started = Date.now();
  await smol.getByRole('button', { name: 'Load SmolLM2 135M Instruct' }).click();
  await waitForLoad(page, 90_000);
  console.log(`SmolLM2 from the OPFS cache: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await expect(smol).toContainText('Loaded');
  expect(server.requests.length, 'no request to the file host').toBe(serverSeen);
  expect(hubRequests.length, 'no request to the Hub').toBe(hubSeen);
});

test('?model=<url> downloads once (header read by Range), completes greedily, and loads from the cache after reload', async ({ page }) => {
  test.setTimeout(360_000);
  const localUrl = `${server.origin}/${basename(SMOLLM2_Q4_1)}`;
  const localPath = new URL(localUrl).pathname;

  let started = Date.now();
  await page.goto(`/?model=${encodeURIComponent(localUrl)}`);
  await waitForLoad(page, 90_000);
  console.log(`SmolLM2 by ?model= (header check, download, cache, GPU upload): ${((Date.now() - started) / 1000).toFixed(1)} s`);
  expect(
    downloadsOf(localPath).some((r) => r.range !== null),
    'the header was read with Range requests',
  ).toBe(true);
  expect(
    downloadsOf(localPath).filter((r) => r.range === null),
    'one full download',
  ).toHaveLength(1);

  await fillSamplingSetting(page, 'Temperature', 0);
  await fillSamplingSetting(page, 'Max tokens', 2);
  await page.getByLabel('Prompt').fill('The capital of France is');
  started = Date.now();
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(generationStat(page, 'stopped-by')).toBeVisible(waitForCompute);
  console.log(`completion (${await generationStat(page, 'tokens').textContent()}): ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await expect(page.getByLabel('Generated text')).toContainText('Paris');

  const seen = server.requests.length;
  await page.reload();
  await waitForLoad(page, 90_000);
  await expect(page.getByRole('region', { name: 'Cached models' })).toContainText(basename(SMOLLM2_Q4_1));
  expect(server.requests.length, 'no request after reload').toBe(seen);
  expect(new URL(page.url()).searchParams.get('model')).toBe(localUrl);
});

test('a catalogue download shows progress and can be cancelled, leaving the model that was loaded', async ({ page }) => {
  test.setTimeout(180_000);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('https://huggingface.co/**', async (route) => {
    await held;
    await route.fulfill({ status: 503, body: 'too late' }).catch(() => {});
  });
  await page.goto('/');
  await page.getByRole('button', { name: 'Model & playground' }).click();
  await waitForLoad(page, 60_000);
  const before = await loadedModelRegion(page).getByRole('heading').textContent();

  const smol = catalogueEntry(page, 'smollm2-135m-instruct');
  await smol.getByRole('button', { name: 'Load SmolLM2 135M Instruct' }).click();
  const progress = page.getByRole('status', { name: 'Model loading progress' });
  await expect(progress).toContainText(
    `Loading https://huggingface.co/bartowski/SmolLM2-135M-Instruct-GGUF/resolve/main/${CATALOGUE_FILE}`,
  );
  await expect(progress).toContainText('Reading the header');
  await expect(smol.getByRole('button', { name: 'Load SmolLM2 135M Instruct' })).toBeDisabled();
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await expect(progress).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Model', exact: true })).toContainText('was cancelled');
  await expect(loadedModelRegion(page).getByRole('heading')).toHaveText(before!);
  await expect(smol).not.toContainText(/Cached|Loaded/);
  await expect(page.getByRole('region', { name: 'Cached models' })).not.toContainText(CATALOGUE_FILE);
  release();
});
