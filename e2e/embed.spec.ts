// The embed protocol (docs/embed.md) from a real host page on another origin: e2e/fixtures/host.html,
// served by the dev server at http://localhost:4179, frames the lab from http://127.0.0.1:4179 (a
// different origin on the same loopback server, which Chromium's local-network checks allow).
import { expect, test, type Page } from '@playwright/test';
import { sampleState } from './labState.ts';

interface Received {
  origin: string;
  data: { type: string; [key: string]: unknown };
}

/** The dev server's origin under another host name (localhost vs 127.0.0.1). */
function otherHostOrigin(origin: string): string {
  const url = new URL(origin);
  url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  return url.origin;
}

/**
 * Opens the host page at `hostOrigin` framing the lab at `labOrigin`; by default the lab accepts only
 * `hostOrigin` (?origin=).
 */
async function openHost(page: Page, labOrigin: string, hostOrigin: string, allowedOrigin = hostOrigin, view = 'decay') {
  const lab = `${labOrigin}/?embed=1&view=${view}&origin=${encodeURIComponent(allowedOrigin)}`;
  await page.goto(`${hostOrigin}/e2e/fixtures/host.html?lab=${encodeURIComponent(lab)}`);
}

const received = (page: Page) => page.evaluate(() => (window as unknown as { received: Received[] }).received);

/** Sends `message` from the host and returns the first reply of `type` (or an error) after it. */
async function request(page: Page, message: unknown, type: string): Promise<Received['data']> {
  const start = (await received(page)).length;
  await page.evaluate((m) => (window as unknown as { send(m: unknown): void }).send(m), message);
  let reply: Received | undefined;
  await expect
    .poll(async () => {
      reply = (await received(page)).slice(start).find((r) => r.data.type === type || r.data.type === 'rope-lab:error');
      return reply !== undefined;
    })
    .toBe(true);
  return reply!.data;
}

async function waitForReady(page: Page) {
  await expect.poll(async () => (await received(page)).some((r) => r.data.type === 'rope-lab:ready')).toBe(true);
}

test('ready, get and set; the frame shows one view sized to the iframe', async ({ page, baseURL }) => {
  await openHost(page, baseURL!, otherHostOrigin(baseURL!));
  await waitForReady(page);
  const frame = page.frameLocator('#lab');
  await expect(frame.getByRole('heading', { name: 'RoPE Lab' })).toHaveCount(0);
  const svg = frame.locator('svg.chart-svg');
  await expect(svg).toHaveAttribute('width', '640');
  await page.evaluate(() => Object.assign(document.getElementById('lab')!.style, { width: '800px', height: '500px' }));
  await expect(svg).toHaveAttribute('width', '800');

  const state = await request(page, { type: 'rope-lab:get' }, 'rope-lab:state');
  expect((await received(page))[0].origin).toBe(new URL(baseURL!).origin);
  const current = state.state as ReturnType<typeof sampleState>;
  expect(current.view).toBe('decay');
  const url = new URL(state.url as string);
  expect(url.searchParams.get('s')).toBeTruthy();
  expect(url.searchParams.has('embed')).toBe(false);

  const path = frame.locator('path.series').first();
  const before = await path.getAttribute('d');
  const next = sampleState({ maxDistance: 65536 });
  const changed = await request(page, { type: 'rope-lab:set', state: next }, 'rope-lab:changed');
  expect(changed.state).toEqual(next);
  await expect(path).not.toHaveAttribute('d', before!);
  const after = await request(page, { type: 'rope-lab:get' }, 'rope-lab:state');
  expect(after.state).toEqual(next);
});

for (const view of ['spectrum', 'rotation', 'decay', 'base', 'granularity']) {
  test(`${view}: the view shrinks with its iframe, no chart wider than the frame, no horizontal overflow`, async ({ page, baseURL }) => {
    const host = otherHostOrigin(baseURL!);
    await openHost(page, baseURL!, host, host, view);
    await waitForReady(page);
    const frame = page.frameLocator('#lab');
    const svg = frame.locator('svg.chart-svg').first();
    const widest = async () =>
      Math.max(...(await frame.locator('svg.chart-svg').evaluateAll((svgs) => svgs.map((e) => e.getBoundingClientRect().right))));
    const resize = (width: number) =>
      page.evaluate((w) => Object.assign(document.getElementById('lab')!.style, { width: `${w}px`, height: '420px' }), width);
    await resize(1200);
    await expect.poll(async () => Number(await svg.getAttribute('width'))).toBeGreaterThan(1000);
    for (const width of [360, 700]) {
      await resize(width);
      await expect.poll(widest).toBeLessThanOrEqual(width);
      await expect.poll(async () => Number(await svg.getAttribute('width'))).toBeGreaterThan(width / 2);
      const lab = page.frames().find((f) => f.url().includes('embed=1'))!;
      const overflow = await lab.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBe(0);
    }
  });
}

test('invalid requests get rope-lab:error and change nothing', async ({ page, baseURL }) => {
  await openHost(page, baseURL!, otherHostOrigin(baseURL!));
  await waitForReady(page);
  const bad = sampleState();
  bad.series[0].config.base = -1;
  const error = await request(page, { type: 'rope-lab:set', state: bad }, 'rope-lab:changed');
  expect(error).toMatchObject({
    type: 'rope-lab:error',
    message: expect.stringMatching(/invalid state: series\[0\]\.config: base must be/),
  });
  const unknown = await request(page, { type: 'rope-lab:launch' }, 'never');
  expect(unknown).toMatchObject({ type: 'rope-lab:error', message: expect.stringContaining('unknown message type') });
  const format = await request(page, { type: 'rope-lab:export', format: 'gif' }, 'rope-lab:export');
  expect(format).toMatchObject({ type: 'rope-lab:error' });
  const state = await request(page, { type: 'rope-lab:get' }, 'rope-lab:state');
  expect((state.state as { series: unknown[] }).series).toHaveLength(3);
});

test('exports in every format', async ({ page, baseURL }) => {
  await openHost(page, baseURL!, otherHostOrigin(baseURL!));
  await waitForReady(page);
  const svg = await request(page, { type: 'rope-lab:export', format: 'svg' }, 'rope-lab:export');
  expect(svg.format).toBe('svg');
  expect(svg.data).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const png = await request(page, { type: 'rope-lab:export', format: 'png' }, 'rope-lab:export');
  expect(png.data).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
  const csv = await request(page, { type: 'rope-lab:export', format: 'csv' }, 'rope-lab:export');
  const lines = (csv.data as string).trim().split('\n');
  expect(lines[0].split(',')[0]).toBe('distance');
  expect(lines).toHaveLength(1001);
  // Δ = 1 on the log grid: the all-ones logit of plain RoPE is (2/√128)·Σ cos(θᵢ) > 0.
  expect(Number(lines[1].split(',')[0])).toBe(1);
  const json = await request(page, { type: 'rope-lab:export', format: 'json' }, 'rope-lab:export');
  const data = json.data as { view: string; distance: number[]; series: Array<{ allOnesLogit: number[] }> };
  expect(data.view).toBe('decay');
  expect(data.distance).toHaveLength(1000);
  expect(data.series[0].allOnesLogit[0]).toBeCloseTo(Number(lines[1].split(',')[1]), 12);
});

test('messages from anyone but the parent are ignored', async ({ page, baseURL }) => {
  await openHost(page, baseURL!, otherHostOrigin(baseURL!));
  await waitForReady(page);
  const countBefore = (await received(page)).length;
  const hostile = sampleState({ maxDistance: 4096 });
  // A sibling frame of the same host, and the lab frame posting to itself.
  const sibling = page.frames().find((f) => f.url().endsWith('/sibling.html'))!;
  await sibling.evaluate((m) => (window as unknown as { attack(m: unknown): void }).attack(m), { type: 'rope-lab:set', state: hostile });
  await sibling.evaluate(() => (window as unknown as { attack(m: unknown): void }).attack({ type: 'rope-lab:get' }));
  const lab = page.frames().find((f) => f.url().includes('embed=1'))!;
  await lab.evaluate((m) => window.postMessage(m, '*'), { type: 'rope-lab:set', state: hostile });
  await page.waitForTimeout(400);
  expect((await received(page)).length).toBe(countBefore);
  const state = await request(page, { type: 'rope-lab:get' }, 'rope-lab:state');
  expect((state.state as { maxDistance: number }).maxDistance).toBe(131072);
});

test('?origin= restricts the lab to one host origin', async ({ page, baseURL }) => {
  // The link names one host origin, but the page framing it is another: no ready, no answers.
  await openHost(page, baseURL!, new URL(baseURL!).origin, otherHostOrigin(baseURL!));
  const frame = page.frameLocator('#lab');
  await expect(frame.locator('svg.chart-svg')).toBeVisible();
  await page.evaluate(() => (window as unknown as { send(m: unknown): void }).send({ type: 'rope-lab:get' }));
  await page.waitForTimeout(500);
  expect(await received(page)).toEqual([]);
});

test('hostile sets are answered with rope-lab:error within two seconds, the state kept', async ({ page, baseURL }) => {
  await openHost(page, baseURL!, otherHostOrigin(baseURL!));
  await waitForReady(page);
  const path = page.frameLocator('#lab').locator('path.series').first();
  const before = await path.getAttribute('d');
  /** Sends the message `build` makes in the host page (typed arrays and shared references stay as they are). */
  const answer = async (build: string) => {
    const start = (await received(page)).length;
    await page.evaluate((source) => (window as unknown as { send(m: unknown): void }).send(new Function(`return ${source}`)()), build);
    const sent = Date.now();
    let reply: Received['data'] | undefined;
    await expect
      .poll(async () => (reply = (await received(page)).slice(start).find((r) => r.data.type.startsWith('rope-lab:'))?.data), {
        timeout: 2000,
      })
      .toBeDefined();
    expect(Date.now() - sent).toBeLessThan(2000);
    return reply!;
  };
  const valid = JSON.stringify(sampleState());
  expect(
    await answer(`(() => { const s = ${valid}; s.series[0].config.hasOwnProperty = 1; return { type: 'rope-lab:set', state: s }; })()`),
  ).toEqual({
    type: 'rope-lab:error',
    message: "invalid state: series[0].config: unknown rope config field 'hasOwnProperty'",
    request: 'rope-lab:set',
  });
  expect(
    await answer(`(() => { const s = ${valid}; s.series[1].config.isPrototypeOf = 1; return { type: 'rope-lab:set', state: s }; })()`),
  ).toMatchObject({ type: 'rope-lab:error', message: expect.stringContaining("unknown rope config field 'isPrototypeOf'") });
  expect(await answer(`{ type: 'rope-lab:set', state: new Uint8Array(20 * 2 ** 20) }`)).toEqual({
    type: 'rope-lab:error',
    message: 'rope-lab:set refused: message.state is a Uint8Array of 20971520 bytes, not JSON data',
    request: 'rope-lab:set',
  });
  const shared = `(() => { let level = [1]; for (let d = 0; d < 5; d++) level = new Array(1024).fill(level); return level; })()`;
  expect(await answer(`{ type: 'rope-lab:set', state: ${shared} }`)).toMatchObject({
    type: 'rope-lab:error',
    message: expect.stringMatching(/^rope-lab:set refused: message holds more than 50000 values/),
  });
  expect(
    await answer(
      `{ type: 'rope-lab:run', probe: 'passkey', options: JSON.parse('{"__proto__":1,"lengths":[64],"depths":[0.5],"trials":1,"seed":3}') }`,
    ),
  ).toMatchObject({
    type: 'rope-lab:error',
    message: 'invalid probe: options.__proto__ is not an option of this probe',
    request: 'rope-lab:run',
  });
  // Nothing changed, and the frame still answers and draws.
  const state = await request(page, { type: 'rope-lab:get' }, 'rope-lab:state');
  expect((state.state as { series: unknown[] }).series).toHaveLength(3);
  await expect(path).toHaveAttribute('d', before!);
});
