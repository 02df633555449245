// Quantization against llama.cpp's own output: the shared Q8_0 / Q4_0 / F16 files were made by
// llama.cpp from the same weights as the F32 file, so our quantizers must reproduce their bytes and
// our dequantizers must land within the format's error bound of the F32 originals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GGMLType,
  dequantize,
  quantize,
  readGGUF,
  readTensorBytes,
  type ByteSource,
  type GGUFFile,
  type QuantizableType,
} from '../../src/gguf/index.ts';
import { fileSource } from '../../src/gguf/source-node.ts';
import { requireTestFiles, sharedModel, STORIES_FILES } from '../helpers/shared.ts';

const haveSharedModels = requireTestFiles('quantizers vs stories260K', ...STORIES_FILES.map(sharedModel));

const sources: ByteSource[] = [];
const files: Record<string, GGUFFile> = {};
beforeAll(async () => {
  if (!haveSharedModels) return;
  for (const name of STORIES_FILES) {
    const source = await fileSource(sharedModel(name));
    sources.push(source);
    files[name] = await readGGUF(source);
  }
});
afterAll(async () => {
  await Promise.all(sources.map((s) => s.close?.()));
});

async function f32Weights(name: string): Promise<Float32Array> {
  const f = files['stories260K.gguf'];
  return dequantize(GGMLType.F32, await readTensorBytes(f, f.tensorsByName.get(name)!), f.tensorsByName.get(name)!.nElements);
}

describe.skipIf(!haveSharedModels)('quantizers and dequantizers vs the llama.cpp-made stories260K files', () => {
  for (const [file, type] of [
    ['stories260K-Q8_0.gguf', GGMLType.Q8_0],
    ['stories260K-Q4_0.gguf', GGMLType.Q4_0],
    ['stories260K-F16.gguf', GGMLType.F16],
  ] as const) {
    it(`quantizing the F32 weights reproduces every ${GGMLType[type]} tensor of ${file} byte for byte`, async () => {
      const quantized = files[file];
      let compared = 0;
      for (const t of quantized.tensors) {
        if (t.type !== type) continue;
        const ours = quantize(type as QuantizableType, await f32Weights(t.name));
        const theirs = await readTensorBytes(quantized, t);
        expect(ours.byteLength, t.name).toBe(theirs.byteLength);
        const firstDiff = ours.findIndex((b, i) => b !== theirs[i]);
        expect(firstDiff, `${t.name}: first differing byte`).toBe(-1);
        compared++;
      }
      // Block quants: 6 matrices per layer (ffn_down's rows of 172 are not whole blocks) + embedding +
      // classifier; F16: all 7 matrices per layer + those 2.
      expect(compared).toBe(type === GGMLType.F16 ? 5 * 7 + 2 : 5 * 6 + 2);
    });
  }

  /** The largest |dequantized - original| over all tensors of `type`, in units of each block's amax. */
  async function worstBlockError(file: string, type: GGMLType): Promise<number> {
    const f = files[file];
    let worst = 0;
    for (const t of f.tensors.filter((t) => t.type === type)) {
      const approx = dequantize(t.type, await readTensorBytes(f, t), t.nElements);
      const exact = await f32Weights(t.name);
      for (let b = 0; b < exact.length; b += 32) {
        let amax = 0;
        for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(exact[b + j]));
        for (let j = 0; j < 32; j++) worst = Math.max(worst, Math.abs(approx[b + j] - exact[b + j]) / amax);
      }
    }
    return worst;
  }

  it('dequantized Q8_0 is within half a step (amax/127/2) of the F32 weights, per block', async () => {
    const worst = await worstBlockError('stories260K-Q8_0.gguf', GGMLType.Q8_0);
    // Half a step, plus the F16 rounding of d (relative 2^-11) times up to 127 steps.
    expect(worst).toBeLessThanOrEqual((0.5 + 127 * 2 ** -11) / 127);
    expect(worst).toBeGreaterThan(0.4 / 127); // the bound is tight, not vacuous
  });

  it('dequantized Q4_0 is within one step (amax/8) of the F32 weights, per block', async () => {
    // Levels run from -8 to +7 steps: the block's extreme maps exactly, its opposite sign clips at 7/8.
    const worst = await worstBlockError('stories260K-Q4_0.gguf', GGMLType.Q4_0);
    expect(worst).toBeLessThanOrEqual((1 + 8 * 2 ** -11) / 8);
    expect(worst).toBeGreaterThan(0.9 / 8);
  });

  it('F16 and F32 tensors that llama.cpp kept unquantized dequantize to the F32 originals', async () => {
    const f16 = files['stories260K-F16.gguf'];
    for (const t of f16.tensors) {
      const approx = dequantize(t.type, await readTensorBytes(f16, t), t.nElements);
      const exact = await f32Weights(t.name);
      let violations = 0;
      for (let i = 0; i < exact.length; i++) {
        // F16 keeps 11 significant bits: relative error at most 2^-11, absolute 2^-25 among subnormals.
        const tol = t.type === GGMLType.F32 ? 0 : Math.max(Math.abs(exact[i]) * 2 ** -11, 2 ** -25);
        if (Math.abs(approx[i] - exact[i]) > tol) violations++;
      }
      expect(violations, t.name).toBe(0);
    }
  });
});
