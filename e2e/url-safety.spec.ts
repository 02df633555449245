// Hostile or broken links: the lab ignores them with a visible notice, keeps working, and never runs
// what a link smuggles in. Names are data, rendered as text.
import { expect, test, type Page } from '@playwright/test';
import { encodeState, sampleState } from './labState.ts';

const INJECTION = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;

async function expectIgnoredWithNotice(page: Page, search: string, message: RegExp) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/${search}`);
  await expect(page.getByRole('alert')).toContainText(message);
  // The page still works with the default experiment.
  await expect(page.getByRole('heading', { name: 'RoPE Lab' })).toBeVisible();
  await expect(page.locator('.chart-svg path.series[data-series="Llama 2 (base 10K)"]')).toHaveAttribute('d', /^M/);
  expect(await page.evaluate(() => (Object.prototype as Record<string, unknown>).polluted)).toBeUndefined();
  expect(errors).toEqual([]);
}

test('a script-injection name is shown as text and never runs', async ({ page }) => {
  const state = sampleState({ view: 'spectrum' });
  state.series[0].name = INJECTION.slice(0, 60);
  await page.goto(`/?s=${encodeState(state)}`);
  await expect(page.getByRole('textbox', { name: 'Name of series 1' })).toHaveValue(INJECTION.slice(0, 60));
  await expect(page.locator('.legend-text').first()).toHaveText(INJECTION.slice(0, 60));
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('malformed links are ignored with a notice', async ({ page }) => {
  await expectIgnoredWithNotice(page, '?s=%%%not-base64', /not valid base64url/);
  await expectIgnoredWithNotice(page, `?s=${Buffer.from('{"v":1,').toString('base64url')}`, /not hold valid JSON/);
  await expectIgnoredWithNotice(page, `?s=${encodeState({ ...sampleState(), v: 99 })}`, /version must be 1/);
  await expectIgnoredWithNotice(page, '?view=%3Cscript%3E', /view must be one of/);
  await expectIgnoredWithNotice(page, '?origin=javascript:window.__pwned=1', /Embedding messages are disabled: origin must be/);
});

test('an oversized state reached through back/forward is refused before decoding', async ({ page }) => {
  // Past the codec's limit: the link enters through the history, as back/forward would bring it back.
  await page.goto('/');
  await page.evaluate(() => {
    history.pushState(null, '', `?s=${'A'.repeat(40_000)}`);
    history.pushState(null, '', '/');
    history.back();
  });
  await expect(page.getByRole('alert')).toContainText(/40000 characters long \(at most 32768\)/);
  await expect(page.locator('.chart-svg path.series').first()).toHaveAttribute('d', /^M/);
});

test('hostile values are rejected strictly, nothing clamped', async ({ page }) => {
  const withConfig = (config: Record<string, unknown>) => {
    const state = sampleState();
    state.series[0].config = config;
    return `?s=${encodeState(state)}`;
  };
  // Prototype pollution through a JSON key.
  const polluted = `{"v":1,"__proto__":{"polluted":true},"series":[]}`;
  await expectIgnoredWithNotice(page, `?s=${Buffer.from(polluted).toString('base64url')}`, /forbidden key '__proto__'/);
  const constructorKey = JSON.stringify(sampleState()).replace('"focus":0', '"focus":0,"constructor":{"prototype":{"polluted":1}}');
  await expectIgnoredWithNotice(page, `?s=${Buffer.from(constructorKey).toString('base64url')}`, /forbidden key 'constructor'/);
  // Numbers JSON cannot hold finitely (1e999 parses to Infinity), strings for numbers, negative bases.
  const infinite = JSON.stringify(sampleState()).replace('"base":10000', '"base":1e999');
  await expectIgnoredWithNotice(page, `?s=${Buffer.from(infinite).toString('base64url')}`, /base must be a finite number > 1/);
  await expectIgnoredWithNotice(page, withConfig({ headDim: 128, base: 'NaN', type: 'default' }), /base must be a finite number > 1/);
  await expectIgnoredWithNotice(page, withConfig({ headDim: 127, base: 10000, type: 'default' }), /headDim must be an even integer/);
  // Huge arrays, out-of-range selections, unknown fields, bad colours.
  await expectIgnoredWithNotice(page, `?s=${encodeState(sampleState({ contexts: new Array(5000).fill(1) }))}`, /contexts has 5000 entries/);
  await expectIgnoredWithNotice(page, `?s=${encodeState(sampleState({ pair: 64 }))}`, /pair .* must be an integer in 0\.\.63/);
  await expectIgnoredWithNotice(page, `?s=${encodeState(sampleState({ extra: 1 }))}`, /unknown field 'extra'/);
  const badColour = sampleState();
  badColour.series[0].color = 'red;background:url(x)';
  await expectIgnoredWithNotice(page, `?s=${encodeState(badColour)}`, /color must be a #rrggbb colour/);
});

test('a link whose rope config holds an Object.prototype name is refused naming the key', async ({ page }) => {
  // These once threw out of the parser before the first render (an empty page) or were kept in the state.
  for (const key of ['hasOwnProperty', 'isPrototypeOf', 'valueOf']) {
    const state = sampleState();
    state.series[1].config = { ...state.series[1].config, [key]: 1 };
    await expectIgnoredWithNotice(
      page,
      `?s=${encodeState(state)}`,
      new RegExp(`series\\[1\\]\\.config: unknown rope config field '${key}'`),
    );
    // The default experiment stays (three series), and its link replaced the hostile one.
    await expect(page.getByRole('textbox', { name: /^Name of series/ })).toHaveCount(3);
    expect(new URL(page.url()).searchParams.get('s')).not.toBe(encodeState(state));
  }
});
