// The model description of each family as read from its GGUF (the random-weight files of
// tests/helpers/arch-models.ts): the per-family differences land as data, architectures outside the
// table are refused naming them, and the GPU engine's refusal names what its kernels lack.
import { describe, expect, it } from 'vitest';
import { GGUFValueType, bytesSource, meta, readGGUF, writeGGUF } from '../../src/gguf/index.ts';
import { fileSource } from '../../src/gguf/source-node.ts';
import { loadReferenceWeights } from '../../src/engine/reference.ts';
import { gpuEngineRefusal, modelConfigFromGGUF, type ModelConfig } from '../../src/engine/model-config.ts';
import { ARCH_SHAPES, writeArchModel, type ArchName, type WriteArchModelOptions } from '../helpers/arch-models.ts';

async function configOf(arch: ArchName, shape = 0, options: WriteArchModelOptions = {}): Promise<ModelConfig> {
  const source = await fileSource(await writeArchModel(arch, ARCH_SHAPES[arch][shape], options));
  try {
    return (await loadReferenceWeights(await readGGUF(source))).config;
  } finally {
    await source.close?.();
  }
}

const ropeKinds = (c: ModelConfig) => c.layerAttention.map((a) => `${a.rope}${a.window ? `/${a.window}` : ''}`).join(' ');

describe('model description: each family as data', () => {
  it('llama and mistral are Llama: adjacent pairs, SwiGLU, every layer global, nothing the GPU lacks', async () => {
    for (const arch of ['llama', 'mistral'] as const) {
      const c = await configOf(arch);
      expect([c.pairing, c.activation, c.qkvBias, c.qkNorm, c.postNorms, c.fusedQkv, c.fusedGateUp]).toEqual([
        'adjacent',
        'silu',
        'none',
        false,
        false,
        false,
        false,
      ]);
      expect(c.layerAttention.every((a) => a.rope === 'global' && a.window === 0)).toBe(true);
      expect(gpuEngineRefusal(c)).toBeNull();
    }
  });

  it('qwen2: NEOX pairs and q/k/v biases; qwen3: q/k norm', async () => {
    const q2 = await configOf('qwen2');
    expect([q2.pairing, q2.qkvBias, q2.qkNorm]).toEqual(['neox', 'separate', false]);
    const q3 = await configOf('qwen3');
    expect([q3.pairing, q3.qkvBias, q3.qkNorm, q3.heads * q3.headDim !== q3.dim]).toEqual(['neox', 'none', true, true]);
  });

  it('gemma3: local layers (window, base 10K) and a global one every sixth, GeGLU, √dim, post-norms', async () => {
    const c = await configOf('gemma3');
    expect(ropeKinds(c)).toBe('local/8 local/8 local/8 local/8 local/8 global');
    expect(c.localRope?.base).toBe(1e4);
    expect(c.rope.base).toBe(1e6);
    expect([c.pairing, c.activation, c.qkNorm, c.postNorms, c.embeddingScale]).toEqual([
      'neox',
      'gelu-tanh',
      true,
      true,
      Math.fround(Math.sqrt(256)),
    ]);
    expect(c.attentionScale).toBe(1 / Math.sqrt(256));
    // Without a sliding window llama.cpp runs every layer global.
    const plain = await configOf('gemma3', 0, { metadata: { 'gemma3.attention.sliding_window': null } });
    expect(ropeKinds(plain)).toBe('global global global global global global');
    // A pattern given per layer is taken as it is.
    const flags = [true, false, true, false, true, false];
    const listed = await configOf('gemma3', 0, {
      metadata: { 'gemma3.attention.sliding_window_pattern': meta.array(GGUFValueType.BOOL, flags) },
    });
    expect(ropeKinds(listed)).toBe('local/8 global local/8 global local/8 global');
    await expect(
      configOf('gemma3', 0, { metadata: { 'gemma3.attention.sliding_window_pattern': meta.array(GGUFValueType.BOOL, [true]) } }),
    ).rejects.toThrow(/sliding_window_pattern must be a number or 6 booleans/);
  });

  it('phi3: fused QKV and gate|up, partial rotary, LongRoPE factors from the tensors with the attn_factor key', async () => {
    const c = await configOf('phi3', 1);
    expect([c.pairing, c.fusedQkv, c.fusedGateUp, c.rope.type, c.rope.partialRotaryFactor]).toEqual([
      'neox',
      true,
      true,
      'longrope',
      48 / 64,
    ]);
    expect(c.rope.shortFactor).toHaveLength(24);
    expect(c.rope.originalContext).toBe(64);
    expect(c.rope.attentionFactor).toBeCloseTo(Math.sqrt(1 + Math.log(4096 / 64) / Math.log(64)), 6);
    const partial = await configOf('phi3', 0);
    expect([partial.rope.type, partial.rope.partialRotaryFactor]).toEqual(['default', 0.5]);
  });

  it('smollm3: no RoPE in every fourth layer, adjacent pairs', async () => {
    const c = await configOf('smollm3');
    expect(ropeKinds(c)).toBe('global global global none');
    expect(c.pairing).toBe('adjacent');
  });

  it('the GPU engine runs qwen2, qwen3 and smollm3 and refuses gemma3 and phi3, naming the family and what its kernels lack', async () => {
    for (const arch of ['qwen2', 'qwen3', 'smollm3'] as const) expect(gpuEngineRefusal(await configOf(arch)), arch).toBeNull();
    for (const arch of ['gemma3', 'phi3'] as const) {
      const refusal = gpuEngineRefusal(await configOf(arch));
      expect(refusal).toMatch(new RegExp(`^the GPU engine cannot run this ${arch} model yet: its kernels lack .+lab probe --engine cpu`));
    }
    expect(gpuEngineRefusal(await configOf('gemma3'))).toMatch(/GeGLU/);
    expect(gpuEngineRefusal(await configOf('gemma3'))).not.toMatch(/NEOX|q\/k RMSNorm/);
    expect(gpuEngineRefusal(await configOf('phi3'))).toMatch(/fused QKV/);
  });

  it("a family's own keys out of range are refused naming the key", async () => {
    const refusal = (arch: ArchName, shape: number, key: string, value: ReturnType<typeof meta.f32>) =>
      configOf(arch, shape, { metadata: { [key]: value } }).then(
        () => 'accepted',
        (err: Error) => err.message,
      );
    expect(await refusal('gemma3', 0, 'gemma3.rope.freq_base_swa', meta.f32(0))).toMatch(/gemma3\.rope\.freq_base_swa is 0/);
    expect(await refusal('gemma3', 0, 'gemma3.attention.sliding_window', meta.i32(-1))).toMatch(
      /gemma3\.attention\.sliding_window must be/,
    );
    expect(await refusal('gemma3', 0, 'gemma3.final_logit_softcapping', meta.f32(-30))).toMatch(/gemma3\.final_logit_softcapping is -30/);
    expect(await refusal('gemma3', 0, 'gemma3.attention.sliding_window_pattern', meta.str('6'))).toMatch(
      /sliding_window_pattern must be a number/,
    );
    expect(await refusal('phi3', 1, 'phi3.rope.scaling.attn_factor', meta.f32(-1))).toMatch(/GGUF RoPE metadata: .*attentionFactor/);
  });

  it('a bias llama.cpp would add and the engine would not is refused, not ignored', async () => {
    const source = await fileSource(await writeArchModel('llama', ARCH_SHAPES.llama[0]));
    const file = await readGGUF(source).finally(() => source.close?.());
    // A copy of a tensor under the bias's name, as a header listing it would read.
    const copy = { ...file.tensorsByName.get('blk.1.attn_norm.weight')!, name: 'blk.1.attn_output.bias' };
    file.tensors.push(copy);
    file.tensorsByName.set(copy.name, copy);
    expect(() => modelConfigFromGGUF(file)).toThrow(/attn_output\.bias tensors, which llama\.cpp adds and this engine does not/);
  });

  it('any other architecture is refused, naming it and listing the supported ones', async () => {
    const file = await readGGUF(bytesSource(writeGGUF([['general.architecture', meta.str('bert')]], [])));
    expect(() => modelConfigFromGGUF(file)).toThrow(
      'unsupported architecture "bert" (this engine runs llama, mistral, qwen2, qwen3, gemma3, phi3, smollm3)',
    );
  });
});
