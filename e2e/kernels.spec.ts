// The kernel cases of tests/kernel-cases.ts (each WGSL kernel against the CPU reference on seeded random
// shapes) in Chromium's WebGPU, through e2e/fixtures/kernels.html; tests/engine-kernels.test.ts runs the
// same cases on Dawn in Node. Missing WebGPU is a failure here, not a skip: this spec exists to prove
// the kernels in a browser.
import { expect, test } from '@playwright/test';

test('every kernel case matches the CPU reference in Chromium WebGPU', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // the page logs each uncaptured WebGPU error (a validation error would otherwise only zero an output)
  page.on('console', (m) => { if (m.type() === 'error' && m.text().startsWith('WebGPU error')) pageErrors.push(m.text()); });
  await page.goto('/e2e/fixtures/kernels.html');
  await page.waitForFunction(() => window.__kernelResults && window.__kernelResults.status !== 'running', null, { timeout: 90_000 });
  const state = (await page.evaluate(() => window.__kernelResults))!;

  expect(state.status, state.error).toBe('done');
  expect(state.adapter, 'the WebGPU adapter describes itself').toBeTruthy();
  test.info().annotations.push({ type: 'adapter', description: state.adapter! });
  expect(pageErrors, 'page and WebGPU errors').toEqual([]);
  expect(state.results.length, 'cases run').toBe(state.expectedCases);
  expect(state.expectedCases).toBeGreaterThan(0);
  for (const r of state.results) {
    expect.soft(r.error, `${r.name} threw`).toBeUndefined();
    expect.soft(r.maxError, `${r.name}: ${r.details}`).toBeLessThanOrEqual(r.tolerance);
  }
  for (const r of state.results) console.log(`${r.maxError <= r.tolerance ? 'ok  ' : 'FAIL'} ${r.maxError.toExponential(2)} ≤ ${r.tolerance.toExponential(2)} ${Math.round(r.ms)} ms  ${r.name}`);
  console.log(`${state.results.length} kernel cases on ${state.adapter} in ${Math.round(state.ms!)} ms`);
});
