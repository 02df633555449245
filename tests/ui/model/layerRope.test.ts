// The model panel's "RoPE per layer" row, from the descriptions of the random-weight family files.
import { describe, expect, it } from 'vitest';
import { readGGUF } from '../../../src/gguf/index.ts';
import { fileSource } from '../../../src/gguf/source-node.ts';
import { loadReferenceWeights } from '../../../src/engine/reference.ts';
import { describeLayerRope } from '../../../src/ui/model/format.ts';
import { ARCH_SHAPES, writeArchModel, type ArchName } from '../../helpers/arch-models.ts';

async function layerRopeOf(arch: ArchName, shape = 0): Promise<string | null> {
  const source = await fileSource(await writeArchModel(arch, ARCH_SHAPES[arch][shape]));
  try {
    return describeLayerRope((await loadReferenceWeights(await readGGUF(source))).config);
  } finally {
    await source.close?.();
  }
}

describe('RoPE per layer', () => {
  it('names local layers with their base and window, and NoPE layers by number; nothing for one RoPE', async () => {
    expect(await layerRopeOf('gemma3')).toBe('5 local (base 10K, window 8), 1 global');
    expect(await layerRopeOf('smollm3')).toBe('3 RoPE, 1 NoPE (layer 4)');
    expect(await layerRopeOf('llama')).toBeNull();
    expect(await layerRopeOf('phi3', 1)).toBeNull();
  });
});
