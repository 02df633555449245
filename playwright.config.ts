import { defineConfig } from '@playwright/test';
import { findChromium } from './scripts/chromium.mjs';

// Playwright drives the system Chromium (no browser download works here); WebGPU runs on SwiftShader.
const port = Number(process.env.E2E_PORT ?? 4179); // E2E_PORT: a second suite beside a running one
export default defineConfig({
  testDir: 'e2e',
  // A test may wait on several SwiftShader jobs (e2e/fixtures/compute-wait.ts), each sized for a loaded machine.
  timeout: 300_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  reporter: process.env.CI ? 'line' : 'list',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: findChromium() ?? undefined,
      args: [
        '--no-sandbox',
        '--enable-unsafe-webgpu',
        '--enable-features=Vulkan',
        '--use-angle=swiftshader',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: `npx vite --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
