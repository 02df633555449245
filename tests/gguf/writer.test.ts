// writeGGUF / writeGGUFStream: rewriting llama.cpp's files reproduces them byte for byte, and every
// value type survives a write/read round trip.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  GGMLType,
  GGUFError,
  GGUFValueType,
  bytesSource,
  meta,
  quantize,
  readGGUF,
  readTensorBytes,
  writeGGUF,
  writeGGUFStream,
  type GGUFFile,
  type GGUFTypedValue,
} from '../../src/gguf/index.ts';
import { requireTestFiles, sharedModel, STORIES_FILES } from '../helpers/shared.ts';

const haveSharedModels = requireTestFiles(
  'GGUF writer on the shared files',
  ...STORIES_FILES.map(sharedModel),
  sharedModel('ggml-vocab-llama-spm.gguf'),
);

function typedMetadata(f: GGUFFile): Array<[string, GGUFTypedValue]> {
  return [...f.metadata].map(([key, value]) => [key, { ...f.metadataTypes.get(key)!, value }]);
}

describe.skipIf(!haveSharedModels)('rewriting the shared files', () => {
  for (const name of ['stories260K.gguf', 'stories260K-F16.gguf', 'stories260K-Q8_0.gguf', 'stories260K-Q4_0.gguf']) {
    it(`reproduces ${name} byte for byte (streaming writer)`, async () => {
      const original = new Uint8Array(readFileSync(sharedModel(name)));
      const f = await readGGUF(bytesSource(original, name));
      const chunks: Uint8Array[] = [];
      const written = await writeGGUFStream(
        typedMetadata(f),
        f.tensors,
        (t, i) => readTensorBytes(f, f.tensors[i]),
        (c) => {
          chunks.push(c.slice());
        },
      );
      const rewritten = Buffer.concat(chunks);
      expect(written).toBe(original.byteLength);
      expect(Buffer.compare(rewritten, original)).toBe(0);
    });
  }

  it('reproduces the vocabulary-only GGUF up to the data-section padding llama.cpp left off', async () => {
    const original = new Uint8Array(readFileSync(sharedModel('ggml-vocab-llama-spm.gguf')));
    const f = await readGGUF(bytesSource(original));
    const rewritten = writeGGUF(typedMetadata(f), []);
    expect(rewritten.byteLength).toBe(Math.ceil(original.byteLength / 32) * 32);
    expect(Buffer.compare(Buffer.from(rewritten.subarray(0, original.byteLength)), Buffer.from(original))).toBe(0);
    expect(rewritten.subarray(original.byteLength).every((b) => b === 0)).toBe(true);
  });
});

describe('writeGGUF round trip', () => {
  it('keeps every value type, including 64-bit integers beyond 2^53', async () => {
    const metadata: Array<[string, GGUFTypedValue]> = [
      ['u8', { type: GGUFValueType.UINT8, value: 255 }],
      ['i8', { type: GGUFValueType.INT8, value: -128 }],
      ['u16', { type: GGUFValueType.UINT16, value: 65535 }],
      ['i16', { type: GGUFValueType.INT16, value: -32768 }],
      ['u32', meta.u32(0xffffffff)],
      ['i32', meta.i32(-(2 ** 31))],
      ['f32', meta.f32(0.1)],
      ['f64', { type: GGUFValueType.FLOAT64, value: 0.1 }],
      ['bool', meta.bool(true)],
      ['str', meta.str('héllo ▁wörld 🦙')],
      ['u64.small', { type: GGUFValueType.UINT64, value: 2 ** 53 - 1 }],
      ['u64.big', { type: GGUFValueType.UINT64, value: 2n ** 64n - 1n }],
      ['i64.neg', { type: GGUFValueType.INT64, value: -(2n ** 63n) }],
      ['arr.str', meta.array(GGUFValueType.STRING, ['a', '', 'ç'])],
      ['arr.i32', meta.array(GGUFValueType.INT32, [1, -2, 3])],
      ['arr.empty', meta.array(GGUFValueType.FLOAT32, [])],
    ];
    const f = await readGGUF(bytesSource(writeGGUF(metadata, [])));
    expect(f.version).toBe(3);
    expect(Object.fromEntries(f.metadata)).toEqual({
      u8: 255,
      i8: -128,
      u16: 65535,
      i16: -32768,
      u32: 0xffffffff,
      i32: -(2 ** 31),
      f32: Math.fround(0.1),
      f64: 0.1,
      bool: true,
      str: 'héllo ▁wörld 🦙',
      'u64.small': 2 ** 53 - 1,
      'u64.big': 2n ** 64n - 1n,
      'i64.neg': -(2n ** 63n),
      'arr.str': ['a', '', 'ç'],
      'arr.i32': [1, -2, 3],
      'arr.empty': [],
    });
    expect(f.metadataTypes.get('arr.i32')).toEqual({ type: GGUFValueType.ARRAY, elementType: GGUFValueType.INT32 });
  });

  it('places tensors at offsets aligned to general.alignment and reads them back', async () => {
    const a = new Float32Array([1, 2, 3]);
    const b = new Float32Array(64).map((_, i) => Math.sin(i));
    const bytes = writeGGUF(
      [['general.alignment', meta.u32(64)]],
      [
        { name: 'a', dims: [3], type: GGMLType.F32, data: new Uint8Array(a.buffer) },
        { name: 'b', dims: [32, 2], type: GGMLType.Q8_0, data: quantize(GGMLType.Q8_0, b) },
      ],
    );
    const f = await readGGUF(bytesSource(bytes));
    expect(f.alignment).toBe(64);
    expect(bytes.byteLength % 64).toBe(0);
    for (const t of f.tensors) expect(t.offset % 64).toBe(0);
    expect(new Float32Array((await readTensorBytes(f, f.tensors[0])).slice().buffer)).toEqual(a);
    expect(await readTensorBytes(f, f.tensors[1])).toEqual(quantize(GGMLType.Q8_0, b));
  });

  it('refuses what it cannot write validly', () => {
    const f32 = (n: number) => new Uint8Array(4 * n);
    expect(() => writeGGUF([], [{ name: 'x', dims: [3], type: GGMLType.F32, data: f32(2) }])).toThrow(/got 8 bytes.*need 12/);
    expect(() => writeGGUF([], [{ name: 'x', dims: [48], type: GGMLType.Q8_0, data: new Uint8Array(51) }])).toThrow(/row length 48/);
    expect(() => writeGGUF([['general.alignment', meta.u32(48)]], [])).toThrow(/power of two/);
    expect(() =>
      writeGGUF(
        [
          ['k', meta.u32(1)],
          ['k', meta.u32(2)],
        ],
        [],
      ),
    ).toThrow(/duplicate metadata key 'k'/);
    expect(() =>
      writeGGUF(
        [],
        [1, 2].map(() => ({ name: 't', dims: [1], type: GGMLType.F32, data: f32(1) })),
      ),
    ).toThrow(/duplicate tensor 't'/);
    expect(() => writeGGUF([['s', { type: GGUFValueType.STRING, value: 5 }]], [])).toThrow(GGUFError);
    expect(() => writeGGUF([['a', { type: GGUFValueType.ARRAY, elementType: GGUFValueType.ARRAY, value: [[1]] }]], [])).toThrow(
      /non-array elementType/,
    );
  });
});
