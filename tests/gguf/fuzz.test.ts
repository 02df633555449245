// Mutation fuzzing of the reader: 10,000 corrupted variants of a small valid file. Each must
// either parse (and then dequantize without trouble) or throw GGUFError: never another exception,
// never a hang, never a huge allocation. Seeded, so a failure names a reproducible case.
import { describe, expect, it } from 'vitest';
import { mulberry32 as prng } from '../../src/probes/random.ts';
import {
  GGMLType,
  GGUFError,
  GGUFValueType,
  bytesSource,
  dequantize,
  meta,
  quantize,
  readGGUF,
  readTensorBytes,
  writeGGUF,
} from '../../src/gguf/index.ts';

function baseFile(): Uint8Array {
  const random = prng(1);
  const values = Float32Array.from({ length: 64 }, () => random() * 2 - 1);
  const q4k = Uint8Array.from({ length: 144 }, () => Math.floor(random() * 256));
  return writeGGUF(
    [
      ['general.architecture', meta.str('llama')],
      ['llama.embedding_length', meta.u32(64)],
      ['llama.rope.freq_base', meta.f32(10000)],
      ['tokenizer.ggml.tokens', meta.array(GGUFValueType.STRING, ['<unk>', '<s>', '</s>', '▁the', 'é'])],
      ['tokenizer.ggml.scores', meta.array(GGUFValueType.FLOAT32, [0, 0, 0, -1.5, -2])],
      ['tokenizer.ggml.token_type', meta.array(GGUFValueType.INT32, [2, 3, 3, 1, 1])],
      ['tokenizer.ggml.add_bos_token', meta.bool(true)],
      ['general.size', { type: GGUFValueType.UINT64, value: 123456789 }],
    ],
    [
      { name: 'norm.weight', dims: [8], type: GGMLType.F32, data: new Uint8Array(values.slice(0, 8).buffer) },
      { name: 'proj.weight', dims: [32, 2], type: GGMLType.Q8_0, data: quantize(GGMLType.Q8_0, values) },
      { name: 'k.weight', dims: [256], type: GGMLType.Q4_K, data: q4k },
      { name: 'h.weight', dims: [32, 2], type: GGMLType.F16, data: quantize(GGMLType.F16, values) },
    ],
  );
}

const HUGE_U64 = [2n ** 64n - 1n, 2n ** 63n, 2n ** 53n, 2n ** 53n - 1n, 2n ** 32n, 2n ** 32n - 1n, 2n ** 31n, 0n, 1n, 1000000n];

function mutate(original: Uint8Array, random: () => number): Uint8Array {
  let bytes = original.slice();
  const at = () => Math.floor(random() * bytes.length);
  const mutations = 1 + Math.floor(random() * 3);
  for (let m = 0; m < mutations && bytes.length > 8; m++) {
    switch (Math.floor(random() * 6)) {
      case 0: // bit flips
        for (let i = 0; i < 1 + random() * 4; i++) bytes[at()] ^= 1 << Math.floor(random() * 8);
        break;
      case 1: {
        // a count or length overwritten with an extreme u64
        const p = Math.min(at(), bytes.length - 8);
        new DataView(bytes.buffer).setBigUint64(p, HUGE_U64[Math.floor(random() * HUGE_U64.length)], true);
        break;
      }
      case 2: // truncation
        bytes = bytes.slice(0, at());
        break;
      case 3: {
        // a slice copied over another place
        const from = at(),
          to = at(),
          n = Math.floor(random() * 64);
        bytes.set(bytes.slice(from, from + n).subarray(0, Math.max(0, bytes.length - to)), to);
        break;
      }
      case 4: {
        // bytes inserted
        const p = at();
        const extra = Uint8Array.from({ length: 1 + Math.floor(random() * 16) }, () => Math.floor(random() * 256));
        bytes = new Uint8Array([...bytes.subarray(0, p), ...extra, ...bytes.subarray(p)]);
        break;
      }
      default: {
        // a range deleted
        const p = at();
        bytes = new Uint8Array([...bytes.subarray(0, p), ...bytes.subarray(p + 1 + Math.floor(random() * 16))]);
      }
    }
  }
  return bytes;
}

describe('readGGUF under mutation fuzzing', () => {
  it('parses or throws GGUFError for 10000 mutants, quickly', async () => {
    const base = baseFile();
    const random = prng(20261124);
    let parsed = 0;
    let rejected = 0;
    const started = performance.now();
    for (let i = 0; i < 10000; i++) {
      const mutant = mutate(base, random);
      try {
        const f = await readGGUF(bytesSource(mutant, `mutant #${i}`));
        for (const t of f.tensors) dequantize(t.type, await readTensorBytes(f, t), t.nElements);
        parsed++;
      } catch (err) {
        if (!(err instanceof GGUFError)) throw new Error(`mutant #${i} threw ${String(err)} instead of a GGUFError`, { cause: err });
        rejected++;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`fuzz: 10000 mutants, ${parsed} parsed, ${rejected} rejected with GGUFError, ${seconds.toFixed(2)} s`);
    expect(parsed + rejected).toBe(10000);
    expect(rejected).toBeGreaterThan(5000); // the mutations really do break files
    expect(seconds).toBeLessThan(10);
  });
});
