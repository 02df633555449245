import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Plugin } from 'vite';

// Node-side WebGPU (npm `webgpu`, Dawn) reaches SwiftShader through this ICD when no GPU is present.
const swiftshaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';
const gpuEnv: Record<string, string> =
  !process.env.VK_ICD_FILENAMES && existsSync(swiftshaderIcd) ? { VK_ICD_FILENAMES: swiftshaderIcd } : {};

// A link carries the whole experiment (`?s=` up to 32,768 characters, `&probe=` up to 16,384, a model
// URL): Node's default 16 KB request-header limit would answer it with HTTP 431 before the page loads.
// Node reads `maxHeaderSize` from the server for each new connection, so the dev and preview servers
// (`npm start`, `vite preview`, Playwright's) raise it here, in one place.
const MAX_REQUEST_HEADER_BYTES = 64 * 1024;
const longLinks: Plugin = {
  name: 'rope-lab:long-links',
  configureServer: ({ httpServer }) => raiseHeaderLimit(httpServer),
  configurePreviewServer: ({ httpServer }) => raiseHeaderLimit(httpServer),
};
function raiseHeaderLimit(server: unknown) {
  if (server) (server as Server & { maxHeaderSize?: number }).maxHeaderSize = MAX_REQUEST_HEADER_BYTES;
}

// WGSL kernels live in shaders/ and are imported as text (`import src from '../../shaders/x.wgsl?raw'`).
export default defineConfig({
  plugins: [react(), longLinks],
  // Relative asset URLs: the built site (dist/) works from any static host, at its root or in a folder
  // (`/rope-lab/`); files under public/ are found from siteBase() (src/models/manifest-web.ts).
  base: './',
  server: { port: 5173, strictPort: false },
  worker: { format: 'es' },
  // Workers' imports are not crawled by default: a dependency first seen inside a worker (comlink, jinja)
  // would be optimized mid-run and the worker's module load would fail once. Crawl them up front.
  optimizeDeps: { entries: ['index.html', 'src/**/*.worker.ts'] },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    // generous: `npm test` runs the browser suite beside this one, and a SwiftShader case may take twice as long then
    testTimeout: 180_000,
    // the same for beforeAll/afterAll: several load a model or compile pipelines on SwiftShader there
    hookTimeout: 180_000,
    env: gpuEnv,
  },
});
