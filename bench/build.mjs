// Bundles the headless entry points for the lent GPU machine into ESM files (see ../../shared/gpu/README.md):
//   bench.mjs (the benchmark, bench/run.ts), probe-cost.mjs (what the attention probes cost), lab.mjs (the whole `lab` CLI).
// webgpu stays external: it is copied beside the bundles with its dawn.node. The CLI reads its shaders from
// the shaders/ folder next to the sources; in the bundle they are inlined instead (shaders-vite.ts), so the
// bundle runs from any folder. Usage: node bench/build.mjs <outDir>
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const outDir = process.argv[2] ?? '.gpu';
const viteShaders = fileURLToPath(new URL('../src/engine/gpu/shaders-vite.ts', import.meta.url));

/** shaders-node.ts → a module with the same export over the inlined shader library. */
const inlineShaders = {
  name: 'inline-shaders',
  enforce: 'pre',
  resolveId: (id) => (id.endsWith('/shaders-node.ts') ? '\0shaders-inline' : null),
  load: (id) =>
    id === '\0shaders-inline'
      ? `import { viteShaders } from ${JSON.stringify(viteShaders)};\nexport const nodeShaders = () => viteShaders;`
      : null,
};

await build({
  configFile: false,
  logLevel: 'warn',
  publicDir: false,
  plugins: [inlineShaders],
  ssr: { noExternal: true, external: ['webgpu'] },
  build: {
    ssr: true,
    outDir,
    emptyOutDir: false,
    target: 'node20',
    rollupOptions: {
      input: { bench: 'bench/run.ts', 'probe-cost': 'bench/probe-cost.ts', lab: 'src/cli/main.ts' },
      external: ['webgpu', /^node:/],
      output: { entryFileNames: '[name].mjs', format: 'es' },
    },
  },
});
