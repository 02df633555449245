import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { existsSync } from 'node:fs';

// Node-side WebGPU (npm `webgpu`, Dawn) reaches SwiftShader through this ICD when no GPU is present.
const swiftshaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';
const gpuEnv: Record<string, string> =
  !process.env.VK_ICD_FILENAMES && existsSync(swiftshaderIcd) ? { VK_ICD_FILENAMES: swiftshaderIcd } : {};

// WGSL kernels live in shaders/ and are imported as text (`import src from '../../shaders/x.wgsl?raw'`).
export default defineConfig({
  plugins: [react()],
  server: { port: 5173, strictPort: false },
  worker: { format: 'es' },
  // Workers' imports are not crawled by default: a dependency first seen inside a worker (comlink, jinja)
  // would be optimized mid-run and the worker's module load would fail once. Crawl them up front.
  optimizeDeps: { entries: ['index.html', 'src/**/*.worker.ts'] },
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    env: gpuEnv,
  },
});
