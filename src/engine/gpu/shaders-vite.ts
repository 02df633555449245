// The shader library for code bundled by Vite (the page, the worker) and run by Vitest.
import type { ShaderLibrary } from './shader-library.ts';

const files = import.meta.glob('../../../shaders/**/*.wgsl', { query: '?raw', import: 'default', eager: true });

export const viteShaders: ShaderLibrary = Object.fromEntries(
  Object.entries(files).map(([path, text]) => [path.replace(/^.*\/shaders\//, ''), text as string]),
);
