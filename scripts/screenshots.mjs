// Takes the README's screenshots (docs/images/*.png) from the dev server in the system Chromium.
//   node scripts/screenshots.mjs [--port 4191]
// Starts `vite` on the port, opens the analytics view and the published extend-smollm2 run, and writes
// PNGs small enough for a README (each under 300 KB). WebGPU runs on SwiftShader here, which is enough:
// neither page runs a model (the published run is shown from public/results/).
import { spawn } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { findChromium } from './chromium.mjs';

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 4191;
const base = `http://127.0.0.1:${port}`;
const outDir = new URL('../docs/images/', import.meta.url);
const MAX_BYTES = 300 * 1024;

const shots = [
  {
    file: 'analytics-decay.png',
    url: '/?view=decay',
    ready: async (page) => page.locator('.chart-svg path.series').first().waitFor(),
  },
  {
    file: 'published-extend-smollm2.png',
    url: '/?preset=extend-smollm2&ctx=16384',
    ready: async (page) => {
      await page.getByRole('note', { name: 'Published run' }).waitFor();
      await page.locator('.probe-chart .chart-svg').first().waitFor();
    },
  },
];

async function waitForServer(url, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`dev server did not answer at ${url} within ${ms / 1000} s`);
}

const executablePath = findChromium();
if (!executablePath) throw new Error('no system Chromium found (set CHROMIUM_PATH)');
const server = spawn('npx', ['vite', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { stdio: 'ignore' });
try {
  await waitForServer(base, 60_000);
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  mkdirSync(outDir, { recursive: true });
  for (const shot of shots) {
    await page.goto(base + shot.url);
    await shot.ready(page);
    await page.waitForTimeout(1500); // transitions and fonts settle
    const path = new URL(shot.file, outDir).pathname;
    await page.screenshot({ path });
    const bytes = statSync(path).size;
    console.log(`${shot.file}: ${Math.round(bytes / 1024)} KB`);
    if (bytes > MAX_BYTES) console.warn(`  over ${MAX_BYTES / 1024} KB: shrink the viewport`);
  }
  await browser.close();
} finally {
  server.kill();
}
