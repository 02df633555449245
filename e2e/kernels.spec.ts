// The browser's half of the kernel cases of tests/helpers/kernel-cases.ts (each WGSL kernel against the CPU
// reference on seeded random shapes) in Chromium's WebGPU, through e2e/fixtures/kernels.html;
// tests/engine/kernels.test.ts runs the other half on Dawn in Node, and every kernel is in both halves.
// Missing WebGPU is a failure here, not a skip: this spec exists to prove the kernels in a browser.
import { expect, test, type Page } from '@playwright/test';
import type { KernelPageState } from './fixtures/kernels-page.ts';

async function runKernelPage(page: Page): Promise<{ state: KernelPageState; pageErrors: string[] }> {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // the page logs each uncaptured WebGPU error (a validation error would otherwise only zero an output)
  page.on('console', (m) => {
    if (m.type() === 'error' && m.text().startsWith('WebGPU error')) pageErrors.push(m.text());
  });
  await page.goto('/e2e/fixtures/kernels.html');
  // ~50 s of cases on SwiftShader (each compiles its pipelines), twice that beside the unit suite
  await page.waitForFunction(() => window.__kernelResults && window.__kernelResults.status !== 'running', null, { timeout: 300_000 });
  return { state: (await page.evaluate(() => window.__kernelResults))!, pageErrors };
}

test('every kernel case matches the CPU reference in Chromium WebGPU', async ({ page }) => {
  test.setTimeout(330_000);
  const { state, pageErrors } = await runKernelPage(page);
  expect(state.status, state.error).toBe('done');
  expect(state.adapter, 'the WebGPU adapter describes itself').toBeTruthy();
  test.info().annotations.push({ type: 'adapter', description: state.adapter! });
  expect(pageErrors, 'page and WebGPU errors').toEqual([]);
  expect(state.expectedCases).toBeGreaterThan(0);
  expect(state.results.length, 'cases run').toBe(state.expectedCases);
  for (const r of state.results) {
    expect.soft(r.error, `${r.name} threw`).toBeUndefined();
    expect.soft(r.maxError, `${r.name}: ${r.details}`).toBeLessThanOrEqual(r.tolerance);
  }
  for (const r of state.results)
    console.log(
      `${r.maxError <= r.tolerance ? 'ok  ' : 'FAIL'} ${r.maxError.toExponential(2)} ≤ ${r.tolerance.toExponential(2)} ${Math.round(r.ms)} ms  ${r.name}`,
    );
  console.log(`${state.results.length} kernel cases on ${state.adapter} in ${Math.round(state.ms!)} ms`);
});

test('a browser without navigator.gpu is reported as such, so the spec above fails instead of passing empty', async ({ page }) => {
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined }));
  const { state } = await runKernelPage(page);
  expect(state.status).toBe('no-webgpu');
  expect(state.error).toContain('navigator.gpu is missing');
  expect(state.results).toEqual([]);
});
