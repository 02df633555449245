// ESLint: typescript-eslint's recommended rules, React's hook rules in src/ui, and the layer boundaries of
// ARCHITECTURE.md as import rules, so a leak fails `npm run lint` instead of waiting for a review.
// Formatting is Prettier's (eslint-config-prettier turns off the rules it owns). Import cycles are found by
// dpdm in `npm run lint` (2-3 s for the repository, and unlike import-x/no-cycle it counts type-only imports).
import { createNodeResolver, globals, importX, js, prettierConfig, reactHooks, tseslint } from './tools/lint/plugins.js';

/** Folders below the page: no React, no store, no UI (the CLI and the workers run them without a DOM). */
const CORE = ['rope', 'gguf', 'tokenizer', 'engine', 'probes', 'worker', 'data', 'models', 'storage', 'untrusted', 'embed', 'cli'];
const inSrc = (folder) => `./src/${folder}`;

const REACT = ['react', 'react-dom', 'react/*', 'react-dom/*'];

/** WebGPU objects live in src/engine; the page above it sees plain data (and the worker's interfaces). */
const GPU_TYPES = [
  'GPU',
  'GPUAdapter',
  'GPUBindGroup',
  'GPUBuffer',
  'GPUCommandEncoder',
  'GPUComputePassEncoder',
  'GPUComputePipeline',
  'GPUDevice',
  'GPUQueue',
  'GPUShaderModule',
  'GPUTexture',
].map((name) => ({ name, message: 'GPU objects stay in src/engine (and its worker); pass plain data up.' }));
const NO_NAVIGATOR_GPU = { object: 'navigator', property: 'gpu', message: 'Ask WebGPU in src/worker/webgpu-support.ts or src/engine.' };

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'tools/lint/node_modules/',
      'public/',
      'test-results/',
      'playwright-report/',
      'tmp/',
      '.gpu/',
      '.x1/',
      '.x2/',
      'training/work/',
      'shaders/',
      'src/rope/fixtures/',
      'tests/fixtures/',
      'bench/results/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.worker, ...globals.node },
    },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs'] })] },
    rules: {
      // `_name` marks a value kept for its position or left out of a rest spread on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'import-x/no-self-import': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: CORE.map(inSrc),
              from: ['./src/ui', './src/state', './src/main.tsx'],
              message: 'core folders never depend on the page (src/state, src/ui).',
            },
            { target: './src/state', from: './src/ui', message: 'the store is below the UI: hand it data or callbacks instead.' },
            {
              target: './src/rope',
              from: ['./src'],
              except: ['./rope', './untrusted'],
              message: 'src/rope is pure math: it depends on nothing but src/untrusted.',
            },
            {
              target: './src/engine',
              from: ['probes', 'worker', 'storage', 'embed', 'cli', 'state', 'ui'].map(inSrc),
              message: 'the engine is below the probes, the worker and the page: move shared types down into src/engine.',
            },
            {
              target: './src/ui',
              from: ['./src/engine', './src/worker', './src/gguf', './src/storage'],
              except: ['./analytics-api.ts'],
              message: 'the UI reaches the engine and the workers through src/state and src/worker/analytics-api.ts only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: CORE.map((folder) => `src/${folder}/**`),
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: REACT, message: 'core folders are framework-free: React lives in src/ui.' }] },
      ],
    },
  },
  {
    files: ['src/state/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zustand', message: "use 'zustand/vanilla': React bindings live in src/ui." }],
          patterns: [{ group: REACT, message: 'src/state is framework-free: React lives in src/ui.' }],
        },
      ],
      '@typescript-eslint/no-restricted-types': [
        'error',
        { types: Object.fromEntries(GPU_TYPES.map(({ name, message }) => [name, message])) },
      ],
      'no-restricted-properties': ['error', NO_NAVIGATOR_GPU],
    },
  },
  {
    files: ['src/ui/**'],
    ...reactHooks.configs.flat.recommended,
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      '@typescript-eslint/no-restricted-types': [
        'error',
        { types: Object.fromEntries(GPU_TYPES.map(({ name, message }) => [name, message])) },
      ],
      'no-restricted-properties': ['error', NO_NAVIGATOR_GPU],
    },
  },
  {
    // CommonJS files load their dependencies with require() by definition.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettierConfig,
);
