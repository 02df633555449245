// The cache's naming rule (OPFS itself is exercised in the browser by e2e/model.spec.ts).
import { describe, expect, it } from 'vitest';
import { cacheFileName } from '../../src/storage/model-cache.ts';

describe('cacheFileName', () => {
  it("takes a URL's last path segment, decoded, without the query", () => {
    expect(cacheFileName('https://huggingface.co/x/y/resolve/main/llama-2-7b.Q4_K_M.gguf?download=true')).toBe('llama-2-7b.Q4_K_M.gguf');
    expect(cacheFileName('https://host/models/my%20model.gguf')).toBe('my_model.gguf');
  });

  it('keeps only safe characters and never starts with a dot', () => {
    expect(cacheFileName('../../etc/passwd')).toBe('etc_passwd');
    expect(cacheFileName('.hidden.gguf')).toBe('hidden.gguf');
    expect(cacheFileName('modèle (1).gguf')).toBe('mod_le_1_.gguf');
  });

  it('falls back to model.gguf and cannot collide with a metadata file', () => {
    expect(cacheFileName('https://host/')).toBe('model.gguf');
    expect(cacheFileName('')).toBe('model.gguf');
    expect(cacheFileName('x.meta.json')).toBe('x.meta.json.gguf');
  });
});
