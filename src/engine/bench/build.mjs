// Bundles bench-node.ts and probe-cost.ts into ESM files for the GPU machine (webgpu stays external: it is copied
// beside the bundle with its dawn.node). Usage: node src/engine/bench/build.mjs <outDir>
import { build } from 'vite';

const outDir = process.argv[2] ?? '.gpu';
await build({
  configFile: false,
  logLevel: 'warn',
  publicDir: false,
  ssr: { noExternal: true, external: ['webgpu'] },
  build: {
    ssr: true,
    outDir,
    emptyOutDir: false,
    target: 'node20',
    rollupOptions: {
      input: { bench: 'src/engine/bench/bench-node.ts', 'probe-cost': 'src/engine/bench/probe-cost.ts' },
      external: ['webgpu', /^node:/],
      output: { entryFileNames: '[name].mjs', format: 'es' },
    },
  },
});
