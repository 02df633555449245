// Broken files: each must fail fast with a GGUFError whose message names the problem.
import { describe, expect, it } from 'vitest';
import { GGMLType, GGUFError, bytesSource, readGGUF, type ByteSource, type ReadGGUFOptions } from '../../src/gguf/index.ts';
import { kv, rawGGUF, type RawFile, type RawTensor } from '../helpers/gguf-raw-builder.ts';

const f32Tensor = (name: string, dims: Array<number | bigint>, offset: number | bigint = 0): RawTensor => ({
  name,
  dims,
  type: GGMLType.F32,
  offset,
});

async function rejection(bytes: Uint8Array, opts?: ReadGGUFOptions): Promise<string> {
  const started = performance.now();
  try {
    await readGGUF(bytesSource(bytes, 'bad.gguf'), opts);
  } catch (err) {
    expect(err).toBeInstanceOf(GGUFError);
    expect(performance.now() - started).toBeLessThan(1000);
    return (err as Error).message;
  }
  throw new Error('the file was accepted');
}
const rejects = (f: RawFile, opts?: ReadGGUFOptions) => rejection(rawGGUF(f), opts);

describe('readGGUF rejects malformed files with a message naming the problem', () => {
  it('accepts the well-formed baseline the cases below break', async () => {
    const f = await readGGUF(bytesSource(rawGGUF({ tensors: [f32Tensor('a', [4, 2])], dataBytes: 32 })));
    expect(f.tensors[0]).toMatchObject({ name: 'a', dims: [4, 2], byteSize: 32, nElements: 8 });
    // Version 2 has the same layout as 3 (3 only added big-endian variants).
    expect((await readGGUF(bytesSource(rawGGUF({ version: 2 })))).version).toBe(2);
  });

  it('not a GGUF file', async () => {
    expect(await rejection(new Uint8Array(0))).toMatch(/bad\.gguf: not a GGUF file: only 0 bytes/);
    expect(await rejects({ magic: 'GGML' })).toMatch(/magic is "GGML".*expected "GGUF"/);
    expect(await rejection(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]))).toMatch(/magic is 0x7f 0x45 0x4c 0x46/);
  });

  it('versions', async () => {
    expect(await rejects({ version: 1 })).toMatch(/version 1 is not supported/);
    expect(await rejects({ version: 4 })).toMatch(/unsupported GGUF version 4/);
    expect(await rejects({ version: 0x03000000 })).toMatch(/big-endian/);
  });

  it('truncation anywhere in the header or tensor data', async () => {
    const whole = rawGGUF({
      kvs: [kv.str('general.name', 'x'), kv.strArray('tokens', ['a', 'bc'])],
      tensors: [f32Tensor('a', [8])],
      dataBytes: 32,
    });
    for (let length = 0; length < whole.byteLength; length++) {
      const message = await rejection(whole.subarray(0, length));
      expect(message).toMatch(/truncated|only \d+ bytes|claims|runs past the end/);
    }
  });

  it('counts that cannot fit in the file, before allocating anything', async () => {
    expect(await rejects({ tensorCount: 2n ** 40n })).toMatch(/claims 1099511627776 tensors; more than 1048576/);
    expect(await rejects({ tensorCount: 1000 })).toMatch(
      /claims 1000 tensors and 1 metadata entries, which need at least 32013 bytes, but only \d+ follow/,
    );
    expect(await rejects({ kvCount: 2n ** 53n - 1n })).toMatch(/claims 0 tensors and 9007199254740991 metadata entries/);
    expect(await rejects({ kvCount: 2n ** 64n - 1n })).toMatch(/metadata count 18446744073709551615 is too large/);
    expect(await rejects({ kvs: [kv.strArray('tokenizer.ggml.tokens', ['a'], 2n ** 50n)] })).toMatch(
      /array 'tokenizer.ggml.tokens' claims 1125899906842624 STRING elements/,
    );
    const hugeString = { key: 'general.name', type: 8, write: (w: { u64(v: bigint): void }) => w.u64(2n ** 62n) };
    expect(await rejects({ kvs: [hugeString] })).toMatch(/length of metadata 'general.name' 4611686018427387904 is too large/);
    const longString = { key: 'general.name', type: 8, write: (w: { u64(v: number): void }) => w.u64(1e6) };
    expect(await rejects({ kvs: [longString] })).toMatch(/metadata 'general.name': string of 1000000 bytes .* runs past the end/);
  });

  it('metadata values', async () => {
    expect(await rejects({ kvs: [{ key: 'k', type: 13, write: () => {} }] })).toMatch(/metadata 'k' has unknown value type 13/);
    const nested = { key: 'k', type: 9, write: (w: { u32(v: number): void }) => w.u32(9) };
    expect(await rejects({ kvs: [nested] })).toMatch(/'k' holds arrays; nested arrays are not supported/);
    expect(await rejects({ kvs: [{ key: 'b', type: 7, write: (w) => w.u8(2) }] })).toMatch(/boolean value 2/);
    expect(await rejects({ kvs: [kv.u32('k', 1), kv.u32('k', 2)] })).toMatch(/duplicate metadata key 'k'/);
    expect(await rejects({ kvs: [{ key: new Uint8Array([0x67, 0xff, 0xfe]), type: 4, write: (w) => w.u32(1) }] })).toMatch(
      /metadata key #0: string at offset 32 is not valid UTF-8/,
    );
    expect(await rejects({ kvs: [kv.str('general.name', 'x'.repeat(5000))] }, { maxMetadataBytes: 4096 })).toMatch(
      /4096-byte metadata limit/,
    );
  });

  it('alignment', async () => {
    expect(await rejects({ kvs: [kv.u32('general.alignment', 24)] })).toMatch(/general.alignment 24 is not a power of two/);
    expect(await rejects({ kvs: [kv.u32('general.alignment', 0)] })).toMatch(/general.alignment 0 is not a power of two/);
    expect(await rejects({ kvs: [kv.str('general.alignment', '32')] })).toMatch(/general.alignment must be a UINT32, found STRING/);
  });

  it('tensor shapes', async () => {
    expect(await rejects({ tensors: [{ ...f32Tensor('t', [1, 1, 1, 1, 1]) }], dataBytes: 32 })).toMatch(
      /tensor 't' has 5 dimensions; 1 to 4/,
    );
    expect(await rejects({ tensors: [{ ...f32Tensor('t', []) }], dataBytes: 32 })).toMatch(/tensor 't' has 0 dimensions/);
    expect(await rejects({ tensors: [f32Tensor('t', [4, 0])], dataBytes: 32 })).toMatch(/tensor 't' has a zero dimension/);
    expect(await rejects({ tensors: [f32Tensor('t', [2 ** 30, 2 ** 30, 2 ** 30])] })).toMatch(
      /shape \[1073741824, 1073741824, 1073741824\] has too many elements/,
    );
    expect(await rejects({ tensors: [f32Tensor('t', [2n ** 60n])] })).toMatch(/dimension 0 of tensor 't' 1152921504606846976 is too large/);
    expect(await rejects({ tensors: [f32Tensor('t', [2 ** 40])] })).toMatch(
      /tensor 't' \(4398046511104 bytes at offset \d+\) runs past the end of the file/,
    );
    expect(await rejects({ tensors: [f32Tensor('', [1])] })).toMatch(/tensor #0 has an empty name/);
    expect(await rejects({ tensors: [f32Tensor('n'.repeat(64), [1])] })).toMatch(/longer than 63 bytes/);
  });

  it('tensor types', async () => {
    expect(
      await rejects({ tensors: [{ name: 'blk.0.attn_q.weight', dims: [256], type: GGMLType.IQ2_XXS, offset: 0 }], dataBytes: 96 }),
    ).toMatch(
      /tensor 'blk.0.attn_q.weight' has type IQ2_XXS \(16\), which RoPE Lab does not support; supported: F32, F16, BF16, Q8_0, Q4_0/,
    );
    expect(await rejects({ tensors: [{ name: 't', dims: [32], type: 4, offset: 0 }], dataBytes: 32 })).toMatch(
      /tensor 't' has unknown ggml type id 4/,
    );
    expect(await rejects({ tensors: [{ name: 't', dims: [48, 2], type: GGMLType.Q8_0, offset: 0 }], dataBytes: 128 })).toMatch(
      /tensor 't': row length 48 is not a multiple of the Q8_0 block size 32/,
    );
    // inspect lists such tensors instead of failing.
    const iq = rawGGUF({ tensors: [{ name: 'q', dims: [256], type: GGMLType.IQ2_XXS, offset: 0 }], dataBytes: 96 });
    const f = await readGGUF(bytesSource(iq), { allowUnsupportedTypes: true });
    expect(f.tensors[0]).toMatchObject({ type: GGMLType.IQ2_XXS, byteSize: 66 });
  });

  it('tensor placement', async () => {
    expect(await rejects({ tensors: [f32Tensor('t', [4], 16)], dataBytes: 64 })).toMatch(
      /tensor 't' data offset 16 is not a multiple of the alignment 32/,
    );
    expect(await rejects({ tensors: [f32Tensor('t', [16], 32)], dataBytes: 64 })).toMatch(
      /tensor 't' \(64 bytes at offset \d+\) runs past the end/,
    );
    expect(await rejects({ tensors: [f32Tensor('a', [16], 0), f32Tensor('b', [8], 32)], dataBytes: 96 })).toMatch(
      /tensors 'a' and 'b' overlap/,
    );
    expect(await rejects({ tensors: [f32Tensor('a', [8], 0), f32Tensor('a', [8], 32)], dataBytes: 64 })).toMatch(/duplicate tensor 'a'/);
    expect(await rejects({ tensors: [f32Tensor('t', [4], 2n ** 53n)], dataBytes: 32 })).toMatch(
      /data offset of tensor 't' 9007199254740992 is too large/,
    );
  });

  it('huge claims inside a huge file stop at the metadata limit, after reading little', async () => {
    // A 1 TB "file" whose header declares a 64 GB array: within the file, but no reader should try.
    const floats64GB = (w: { u32(v: number): void; u64(v: bigint): void }) => {
      w.u32(6); // FLOAT32 elements
      w.u64(2n ** 34n);
    };
    const header = rawGGUF({ kvs: [{ key: 'tokenizer.ggml.scores', type: 9, write: floats64GB }] });
    let bytesRead = 0;
    const huge: ByteSource = {
      name: 'huge.gguf',
      size: 2 ** 40,
      async read(offset, length) {
        bytesRead += length;
        const out = new Uint8Array(length);
        out.set(header.subarray(offset, offset + length));
        return out;
      },
    };
    await expect(readGGUF(huge)).rejects.toThrow(
      /huge.gguf: header too large: metadata array 'tokenizer.ggml.scores' at offset \d+ goes past the 67108864-byte metadata limit/,
    );
    expect(bytesRead).toBeLessThanOrEqual(2 ** 20);
  });
});
