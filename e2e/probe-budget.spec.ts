// A probe whose context cannot fit (issue 19, item 4) through the embed protocol in real Chromium: a
// `rope-lab:run` with ctx 2,097,152 on the default model (abf: 8 layers × 2 KV heads × 64 dims: 1 GiB
// of f32 K cache per layer, 16 GiB in all) is refused with needed vs allowed bytes before the model is
// reloaded, and the frame's model still runs a probe that fits. A load may take half of
// navigator.deviceMemory (Chromium reports at most 32 GiB; 16 on this 24 GB machine, where 1,000,000
// positions, 7.6 GiB, fit); an adapter whose storage bindings hold less than 1 GiB refuses the layer's cache first.
import { expect, test } from '@playwright/test';
import { waitForCompute } from './fixtures/compute-wait.ts';

type Message = { type: string; [key: string]: unknown };

test('rope-lab:run with a context of 2,097,152 is refused with needed vs allowed bytes', async ({ page, baseURL }) => {
  const lab = `${baseURL}/?embed=1&view=decay`;
  await page.goto(`${baseURL}/e2e/fixtures/host.html?lab=${encodeURIComponent(lab)}`);
  const received = () => page.evaluate(() => (window as unknown as { received: Array<{ data: Message }> }).received.map((m) => m.data));
  const send = (m: unknown) => page.evaluate((msg) => (window as unknown as { send(m: unknown): void }).send(msg), m);
  await expect.poll(async () => (await received()).some((m) => m.type === 'rope-lab:ready')).toBe(true);
  const text = 'Once upon a time, there was a little girl named Lily. She liked to play in the park with her friends. '.repeat(20);

  await send({ type: 'rope-lab:run', probe: 'loss-by-position', options: { texts: ['user'], ctx: 2_097_152 }, text });
  await expect
    .poll(async () => (await received()).find((m) => m.type === 'rope-lab:error')?.message, waitForCompute)
    .toMatch(
      new RegExp(
        'a context of 2097152 positions needs \\d+ bytes \\(16\\.\\d\\d GiB: .*f32 KV cache 16\\.00 GiB.*\\), but \\d+ bytes \\(.*\\) are allowed: half of the .* of this device \\(navigator\\.deviceMemory\\); a context of at most \\d+ fits' +
          '|the f32 KV cache of one layer for context 2097152 .* needs 1\\.00 GiB in one buffer, but this GPU allows at most .* per storage binding',
      ),
    );
  expect((await received()).some((m) => m.type === 'rope-lab:result')).toBe(false);

  await send({ type: 'rope-lab:run', probe: 'loss-by-position', options: { texts: ['user'], ctx: 64 }, text });
  await expect.poll(async () => (await received()).some((m) => m.type === 'rope-lab:result'), waitForCompute).toBe(true);
});
