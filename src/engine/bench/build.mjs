// Bundles bench-node.ts into one ESM file for the GPU machine (webgpu stays external: it is copied
// beside the bundle with its dawn.node). Usage: node src/engine/bench/build.mjs <outDir>
import { build } from 'vite';

const outDir = process.argv[2] ?? '.gpu';
await build({
  configFile: false,
  logLevel: 'warn',
  publicDir: false,
  ssr: { noExternal: true, external: ['webgpu'] },
  build: {
    ssr: 'src/engine/bench/bench-node.ts',
    outDir,
    emptyOutDir: false,
    target: 'node20',
    rollupOptions: { external: ['webgpu', /^node:/], output: { entryFileNames: 'bench.mjs', format: 'es' } },
  },
});
