// The load budget (issue 19, items 3 and 4), without a GPU: huge tensors are refused from the header
// alone, before a byte of them is read, and a whole load (weights, KV cache, scratch, CPU-side copies)
// is checked against the adapter's limits and the machine's memory with needed vs allowed bytes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GGMLType, bytesSource, readGGUF, typeInfo, type GGUFFile } from '../../src/gguf/index.ts';
import { MemoryBudgetError } from '../../src/engine/gpu/device.ts';
import { packedByteSize, repack } from '../../src/engine/gpu/weights.ts';
import { checkLoadBudget, weightFootprint, type LoadPlan, type MachineMemory } from '../../src/engine/load-budget.ts';
import { llamaConfigFromGGUF } from '../../src/engine/model-config.ts';
import { wideFfnModel } from '../helpers/hostile-models.ts';

const GiB = 2 ** 30;
/** An H100's limits as Dawn reports them, roughly: bindings and buffers of a few GiB. */
const BIG_GPU = { limits: { maxStorageBufferBindingSize: 4 * GiB - 4, maxBufferSize: 64 * GiB } };
const machine = (total: number, free?: number): MachineMemory => ({
  total,
  ...(free === undefined ? {} : { free }),
  source: 'the test machine',
});
const plan = (context: number, kvCache: 'f32' | 'f16' = 'f32'): LoadPlan => ({ context, kvCache, batch: 32, promptAttention: 'flash' });

async function wide(ffn: number) {
  const source = wideFfnModel(ffn);
  const file = await readGGUF(source);
  return { source, file, config: llamaConfigFromGGUF(file) };
}

describe('huge tensors are refused from the header, before they are read', () => {
  it('a 1.5 GiB tensor over a 1 GiB binding', async () => {
    const { source, file, config } = await wide(6_291_456);
    expect(file.tensorsByName.get('blk.0.ffn_gate.weight')!.byteSize).toBe(1.5 * GiB);
    const device = { limits: { maxStorageBufferBindingSize: GiB, maxBufferSize: 2 * GiB } };
    expect(() => weightFootprint(file, config, device)).toThrow(MemoryBudgetError);
    expect(() => weightFootprint(file, config, device)).toThrow(
      /^tensor blk\.0\.ffn_gate\.weight needs 1\.50 GiB in one buffer, but this GPU allows at most 1\.00 GiB per storage binding$/,
    );
    expect(source.bytesRead).toBeLessThan(2 << 20); // the header's chunk, no tensor
  });

  it('2 GiB and 4.6 GiB tensors: the binding or the machine refuses, with needed vs allowed bytes', async () => {
    const two = await wide(8_388_608);
    const weights = weightFootprint(two.file, two.config, BIG_GPU); // 2 GiB fits one binding here
    expect(weights.gpuBytes).toBeGreaterThan(6 * GiB);
    expect(() => checkLoadBudget(two.config, weights, plan(512), { device: BIG_GPU, memory: machine(8 * GiB) })).toThrow(
      /^a context of 512 positions needs \d+ bytes \(\d+\.\d\d GiB: weights 6\.00 GiB, .*\), but 4294967296 bytes \(4\.00 GiB\) are allowed: half of the 8\.00 GiB of the test machine; the weights alone do not fit$/,
    );
    const huge = await wide(Math.ceil((4.6 * GiB) / 256));
    expect(() => weightFootprint(huge.file, huge.config, BIG_GPU)).toThrow(/tensor blk\.0\.ffn_gate\.weight needs 4\.60 GiB in one buffer/);
    expect(two.source.bytesRead + huge.source.bytesRead).toBeLessThan(4 << 20);
  });
});

describe('the whole load against the machine', () => {
  const abf: Promise<GGUFFile> = readGGUF(
    bytesSource(new Uint8Array(readFileSync(fileURLToPath(new URL('../../public/models/abf.gguf', import.meta.url))))),
  );

  it('builtin:abf at a context of 1,000,000 needs ~7.6 GiB: refused where half the machine is less', async () => {
    const file = await abf;
    const config = llamaConfigFromGGUF(file);
    const weights = weightFootprint(file, config, BIG_GPU);
    const limits = { device: BIG_GPU, memory: machine(8 * GiB) };
    let message = '';
    try {
      checkLoadBudget(config, weights, plan(1_000_000), limits);
    } catch (err) {
      expect(err).toBeInstanceOf(MemoryBudgetError);
      message = (err as Error).message;
    }
    const m =
      /^a context of 1000000 positions needs (\d+) bytes \(7\.\d\d GiB: weights .*, f32 KV cache 7\.63 GiB, scratch .*, CPU-side copies .*\), but 4294967296 bytes \(4\.00 GiB\) are allowed: half of the 8\.00 GiB of the test machine; a context of at most (\d+) fits$/.exec(
        message,
      );
    expect(m, message).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(8_192_000_000); // 8 layers × K and V × 2 KV heads × 64 dims × 4 bytes × 10⁶
    const fits = Number(m![2]);
    expect(() => checkLoadBudget(config, weights, plan(fits), limits)).not.toThrow();
    expect(() => checkLoadBudget(config, weights, plan(fits + 64), limits)).toThrow(MemoryBudgetError);
    // the trained context is far inside; an f16 cache halves the cache's share
    expect(checkLoadBudget(config, weights, plan(2048), limits).kvCache).toBe(2048 * 8 * 2 * 2 * 64 * 4);
    expect(checkLoadBudget(config, weights, plan(fits + 64, 'f16'), limits).total).toBeLessThan(4 * GiB);
  });

  it('no more than is free now, and no machine check where the memory is unknown', async () => {
    const file = await abf;
    const config = llamaConfigFromGGUF(file);
    const weights = weightFootprint(file, config, BIG_GPU);
    expect(() => checkLoadBudget(config, weights, plan(100_000), { device: BIG_GPU, memory: machine(64 * GiB, 512 << 20) })).toThrow(
      /but 536870912 bytes \(512\.0 MiB\) are allowed: the memory free now on the test machine; a context of at most \d+ fits$/,
    );
    expect(checkLoadBudget(config, weights, plan(100_000), { device: BIG_GPU, memory: null }).kvCache).toBe(100_000 * 8 * 2 * 2 * 64 * 4);
  });

  it('the per-layer KV cache against one binding, before the machine', async () => {
    const file = await abf;
    const config = llamaConfigFromGGUF(file);
    const small = { limits: { maxStorageBufferBindingSize: 128 << 20, maxBufferSize: GiB } };
    expect(() => checkLoadBudget(config, weightFootprint(file, config, small), plan(1_000_000), { device: small, memory: null })).toThrow(
      /the f32 KV cache of one layer for context 1000000 .* needs 488\.3 MiB in one buffer, but this GPU allows at most 128\.0 MiB/,
    );
  });
});

describe('packedByteSize', () => {
  it('is the size repack makes, for every type the GPU reads', () => {
    const types = [
      GGMLType.F32,
      GGMLType.F16,
      GGMLType.BF16,
      GGMLType.Q4_0,
      GGMLType.Q8_0,
      GGMLType.Q5_0,
      GGMLType.Q4_1,
      GGMLType.Q4_K,
      GGMLType.Q5_K,
      GGMLType.Q6_K,
    ];
    for (const type of types) {
      const { blockSize, bytesPerBlock } = typeInfo(type);
      for (const [rows, blocks] of [
        [3, 1],
        [5, 3],
        [2, 7],
      ]) {
        const cols = blocks * (blockSize === 1 ? 40 : blockSize); // F32/F16/BF16 rows of 40, 120, 280 values: padded to 32s
        const bytes = new Uint8Array(((rows * cols) / blockSize) * bytesPerBlock);
        expect(packedByteSize(type, rows, cols), `${GGMLType[type]} ${rows}×${cols}`).toBe(
          repack('t', type, bytes, rows, cols).data.byteLength,
        );
      }
    }
  });
});
