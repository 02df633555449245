import { describe, expect, it } from 'vitest';
import { CATALOGUE, catalogueProblems, catalogueUrl, findCatalogueModel, type CatalogueModel } from '../../src/models/catalogue.ts';

describe('model catalogue', () => {
  it('is sound: https huggingface.co …/resolve/main/….gguf links, positive sizes, a licence each, unique ids', () => {
    expect(catalogueProblems(CATALOGUE)).toEqual([]);
  });

  it('lists the chat models the lab offers, each with the licence its makers publish', () => {
    const byId = new Map(CATALOGUE.map((m) => [m.id, m]));
    for (const id of ['smollm2-135m-instruct', 'smollm2-360m-instruct', 'smollm2-1.7b-instruct', 'tinyllama-1.1b-chat']) {
      expect(byId.get(id)?.licence.name, id).toBe('Apache-2.0');
    }
    const llama = byId.get('llama-3.2-1b-instruct')!;
    expect(llama.licence.name).toBe('Llama 3.2 Community License');
    expect(llama.licence.note).toMatch(/gated/);
  });

  it('only offers quant mixes the engine reads', () => {
    for (const m of CATALOGUE)
      expect(['Q8_0', 'Q4_0', 'Q4_1', 'Q5_0', 'Q4_K_M', 'Q5_K_M', 'Q6_K', 'F16', 'BF16', 'F32']).toContain(m.quant);
  });

  it('builds the resolve/main link and finds the entry back from it', () => {
    const smol = CATALOGUE[0];
    expect(catalogueUrl(smol)).toBe(
      'https://huggingface.co/bartowski/SmolLM2-135M-Instruct-GGUF/resolve/main/SmolLM2-135M-Instruct-Q8_0.gguf',
    );
    expect(findCatalogueModel(catalogueUrl(smol))).toBe(smol);
    expect(findCatalogueModel('https://example.com/x.gguf')).toBeNull();
  });

  it('names what is wrong with a broken entry', () => {
    const good = CATALOGUE[0];
    const broken: CatalogueModel[] = [
      { ...good, id: 'a', repo: 'no-slash', bytes: 0 },
      { ...good, id: 'b', file: 'model.safetensors', licence: { name: ' ', url: 'http://x' } },
      { ...good, id: 'b' },
    ];
    const problems = catalogueProblems(broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        "catalogue entry 'a': repo 'no-slash' is not owner/name",
        "catalogue entry 'a': bytes must be a positive integer, got 0",
        "catalogue entry 'b': file 'model.safetensors' is not a .gguf file name",
        "catalogue entry 'b': no licence",
        "catalogue entry 'b': the licence link must be https",
        "catalogue entry 'b': the id is used twice",
      ]),
    );
  });
});
