// The shader library for Node under tsx (the CLI), which cannot import `?raw`: read shaders/ from disk.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ShaderLibrary } from './shader-library.ts';

export function nodeShaders(dir = fileURLToPath(new URL('../../../shaders/', import.meta.url))): ShaderLibrary {
  const entries = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.wgsl'))
    .map((f) => [f.replaceAll('\\', '/'), readFileSync(`${dir}/${f}`, 'utf8')] as const);
  if (entries.length === 0) throw new Error(`no .wgsl files under ${dir}`);
  return Object.fromEntries(entries);
}
