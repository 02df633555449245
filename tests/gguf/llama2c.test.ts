// llama2.c import and conversion against the llama.cpp-made shared files: converting
// stories260K.bin + tok512.bin must reproduce stories260K.gguf (and its F16/Q8_0/Q4_0 siblings)
// tensor for tensor, byte for byte.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  GGUFError,
  bytesSource,
  convertModel,
  ggufModelSource,
  readGGUF,
  readLlama2c,
  readTensorBytes,
  writeModelStream,
  type ByteSource,
  type ConvertTarget,
  type GGUFFile,
} from '../../src/gguf/index.ts';
import { fileSource } from '../../src/gguf/source-node.ts';
import { requireTestFiles, sharedModel, STORIES_FILES } from '../helpers/shared.ts';

const haveSharedModels = requireTestFiles(
  'llama2.c import',
  ...STORIES_FILES.map(sharedModel),
  sharedModel('stories260K.bin'),
  sharedModel('tok512.bin'),
);

const opened: ByteSource[] = [];
const open = async (name: string) => {
  const s = await fileSource(sharedModel(name));
  opened.push(s);
  return s;
};
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close?.()));
});

async function streamToBytes(write: (sink: (c: Uint8Array) => void) => Promise<number>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  await write((c) => void chunks.push(c.slice()));
  return Buffer.concat(chunks);
}

describe.skipIf(!haveSharedModels)('llama2.c import', () => {
  let reference: GGUFFile;
  beforeAll(async () => {
    reference = await readGGUF(await open('stories260K.gguf'));
  });

  it('reads the checkpoint header', async () => {
    const model = await readLlama2c(await open('stories260K.bin'), await open('tok512.bin'));
    expect(model.config).toEqual({
      dim: 64,
      hiddenDim: 172,
      nLayers: 5,
      nHeads: 8,
      nKvHeads: 4,
      vocabSize: 512,
      seqLen: 512,
      sharedClassifier: true,
    });
  });

  it("gives the tensors of llama.cpp's conversion bit for bit (Q/K unpermuted), in the same order", async () => {
    const model = await readLlama2c(await open('stories260K.bin'), await open('tok512.bin'));
    expect(model.tensors.map((t) => t.name)).toEqual(reference.tensors.map((t) => t.name));
    for (const [i, t] of model.tensors.entries()) {
      const ref = reference.tensors[i];
      expect({ dims: t.dims, type: t.type }, t.name).toEqual({ dims: ref.dims, type: ref.type });
      expect(Buffer.compare(Buffer.from(await t.read()), Buffer.from(await readTensorBytes(reference, ref))), t.name).toBe(0);
    }
  });

  it('gives the same metadata, except the context length (trained 512, where llama.cpp wrote its 2048 default)', async () => {
    const model = await readLlama2c(await open('stories260K.bin'), await open('tok512.bin'));
    const ours = new Map(model.metadata.map(([k, v]) => [k, v.value]));
    expect([...ours.keys()]).toEqual([...reference.metadata.keys()]);
    for (const [key, value] of reference.metadata) {
      if (key === 'llama.context_length') continue;
      expect(ours.get(key), key).toEqual(value);
    }
    expect(ours.get('llama.context_length')).toBe(512);
    expect(reference.metadata.get('llama.context_length')).toBe(2048);
  });

  it('with contextLength 2048 the written file is byte-identical to stories260K.gguf', async () => {
    const model = await readLlama2c(await open('stories260K.bin'), await open('tok512.bin'), { contextLength: 2048 });
    const ours = await streamToBytes((sink) => writeModelStream(model, sink));
    expect(Buffer.compare(Buffer.from(ours), readFileSync(sharedModel('stories260K.gguf')))).toBe(0);
  });

  for (const [target, file] of [
    ['q8_0', 'stories260K-Q8_0.gguf'],
    ['q4_0', 'stories260K-Q4_0.gguf'],
    ['f16', 'stories260K-F16.gguf'],
  ] as const) {
    it(`converting the checkpoint to ${target} matches ${file} tensor for tensor, byte for byte`, async () => {
      const converted = convertModel(await readLlama2c(await open('stories260K.bin'), await open('tok512.bin')), target as ConvertTarget);
      const theirs = await readGGUF(await open(file));
      expect(converted.tensors).toHaveLength(theirs.tensors.length);
      for (const t of converted.tensors) {
        const ref = theirs.tensorsByName.get(t.name)!;
        expect({ dims: t.dims, type: t.type }, t.name).toEqual({ dims: ref.dims, type: ref.type });
        expect(Buffer.compare(Buffer.from(await t.read()), Buffer.from(await readTensorBytes(theirs, ref))), t.name).toBe(0);
      }
      const written = await readGGUF(bytesSource(await streamToBytes((sink) => writeModelStream(converted, sink))));
      expect(written.metadata.get('general.file_type')).toBe(theirs.metadata.get('general.file_type'));
      expect(written.metadata.get('general.quantization_version')).toBe(target === 'f16' ? undefined : 2);
    });
  }

  it('converting a GGUF to f32 dequantizes every tensor', async () => {
    const q8 = await readGGUF(await open('stories260K-Q8_0.gguf'));
    const back = convertModel(ggufModelSource(q8), 'f32');
    expect(back.tensors.every((t) => t.type === 0)).toBe(true);
    const q = back.tensors.find((t) => t.name === 'blk.0.attn_q.weight')!;
    expect((await q.read()).byteLength).toBe(64 * 64 * 4);
  });

  it('rejects a truncated checkpoint, a foreign file and a mismatched tokenizer with named errors', async () => {
    const bin = readFileSync(sharedModel('stories260K.bin'));
    const tok = readFileSync(sharedModel('tok512.bin'));
    await expect(readLlama2c(bytesSource(bin.subarray(0, bin.length - 4), 'cut.bin'))).rejects.toThrow(
      /cut.bin: not a llama2.c checkpoint: the header implies 1056540 bytes but the file has 1056536/,
    );
    await expect(readLlama2c(bytesSource(readFileSync(sharedModel('stories260K.gguf')), 'x.gguf'))).rejects.toThrow(GGUFError);
    const ak42 = new Uint8Array(64);
    new DataView(ak42.buffer).setUint32(0, 0x616b3432, true);
    await expect(readLlama2c(bytesSource(ak42, 'v1.bin'))).rejects.toThrow(/magic "ak42"/);
    await expect(readLlama2c(bytesSource(bin), bytesSource(tok.subarray(0, 3000), 'tok.bin'))).rejects.toThrow(
      /tok.bin: (tokenizer ends after|token \d+ has length)/,
    );
    await expect(readLlama2c(bytesSource(bin), bytesSource(Buffer.concat([tok, Buffer.alloc(5)]), 'tok.bin'))).rejects.toThrow(
      /5 bytes left after 512 tokens/,
    );
    const hugeTokenizer = { name: 'model.bin', size: 2 ** 31, read: () => Promise.reject(new Error('must not be read')) };
    await expect(readLlama2c(bytesSource(bin), hugeTokenizer)).rejects.toThrow(
      /model.bin: 2147483648 bytes is too large for a llama2.c tokenizer/,
    );
  });
});
