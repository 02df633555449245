// How the KV cache layout reaches the kernels (src/engine/gpu/shader-library.ts): every kernel that reads
// or writes the cache is composed with lib/kv_f32.wgsl or lib/kv_f16.wgsl, and never without one — a
// cache kernel compiled for the other layout would read the buffer's bits as the wrong type, silently.
// The kernels' numbers for both layouts are in tests/helpers/kernel-cases.ts.
import { describe, expect, it } from 'vitest';
import { composeKernel } from '../../src/engine/gpu/shader-library.ts';
import { viteShaders } from '../../src/engine/gpu/shaders-vite.ts';

const CACHE_KERNELS = [
  'rope_store.wgsl',
  'attention.wgsl',
  'attention_prefill.wgsl',
  'attention_prefill_tiled.wgsl',
  'attention_stats.wgsl',
  'attention_map.wgsl',
];

describe('KV cache layout libraries', () => {
  it.each(CACHE_KERNELS)('%s is composed with the layout asked for, and refuses to be composed without one', (kernel) => {
    expect(composeKernel(viteShaders, kernel, { kvCache: 'f32' })).toContain(viteShaders['lib/kv_f32.wgsl']);
    const f16 = composeKernel(viteShaders, kernel, { kvCache: 'f16' });
    expect(f16).toContain(viteShaders['lib/kv_f16.wgsl']);
    expect(f16).not.toContain(viteShaders['lib/kv_f32.wgsl']);
    expect(() => composeKernel(viteShaders, kernel)).toThrow(`kernel ${kernel} reads the KV cache: its layout (f32 or f16) must be given`);
  });

  it('every kernel that binds a cache is in the list (a new one cannot be forgotten)', () => {
    const binding = Object.entries(viteShaders)
      .filter(([file, text]) => !file.startsWith('lib/') && /\bk_cache\s*:/.test(text))
      .map(([file]) => file);
    expect(binding.sort()).toEqual([...CACHE_KERNELS].sort());
  });

  it('kernels that never touch the cache take no layout library', () => {
    expect(composeKernel(viteShaders, 'swiglu.wgsl', { kvCache: 'f16' })).not.toContain('KvPair');
  });
});
