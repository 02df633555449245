// Metadata that contradicts the tensors (issue 19, items 2 and 5): stories260K.gguf with one count
// changed must be refused at once, in one line naming the key and the contradiction, before anything
// is built from the count. Files are changed in place (the bit flip) or rewritten with the
// project's own GGUF writer.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  GGUFError,
  bytesSource,
  ggufModelSource,
  meta,
  readGGUF,
  writeModelStream,
  type GGUFFile,
  type GGUFTypedValue,
} from '../../src/gguf/index.ts';
import { llamaConfigFromGGUF } from '../../src/engine/model-config.ts';
import { requireTestFiles, STORIES_GGUF } from '../helpers/shared.ts';

const haveSharedModels = requireTestFiles('model config on a doctored stories260K', STORIES_GGUF);
const BASE = haveSharedModels ? new Uint8Array(readFileSync(STORIES_GGUF)) : new Uint8Array(0);

/** Offset of the value of metadata `key` (a scalar): after its length-prefixed name and its u32 type. */
function valueOffset(bytes: Uint8Array, key: string): number {
  const name = new TextEncoder().encode(key);
  for (let i = 8; i + name.length < bytes.length; i++) {
    if (
      bytes[i] === name[0] &&
      name.every((b, j) => bytes[i + j] === b) &&
      new DataView(bytes.buffer).getBigUint64(i - 8, true) === BigInt(name.length)
    )
      return i + name.length + 4;
  }
  throw new Error(`no metadata key ${key}`);
}

function patched(write: (view: DataView, at: (key: string) => number) => void): Uint8Array {
  const bytes = BASE.slice();
  write(new DataView(bytes.buffer), (key) => valueOffset(bytes, key));
  return bytes;
}

async function rewritten(
  edit: (m: Map<string, GGUFTypedValue>) => void,
  keepTensor: (name: string) => boolean = () => true,
): Promise<Uint8Array> {
  const model = ggufModelSource(await readGGUF(bytesSource(BASE)));
  const metadata = new Map(model.metadata);
  edit(metadata);
  const chunks: Uint8Array[] = [];
  await writeModelStream({ metadata: [...metadata], tensors: model.tensors.filter((t) => keepTensor(t.name)) }, (c) => {
    chunks.push(c.slice());
  });
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** The refusal's message; it must be a one-line GGUFError that comes at once. */
async function refusal(bytes: Uint8Array): Promise<string> {
  const started = performance.now();
  let file: GGUFFile;
  try {
    file = await readGGUF(bytesSource(bytes, 'hostile.gguf'));
    llamaConfigFromGGUF(file);
  } catch (err) {
    expect(err).toBeInstanceOf(GGUFError);
    const message = (err as Error).message;
    expect(message).not.toMatch(/\n/);
    expect(performance.now() - started).toBeLessThan(1000);
    return message;
  }
  throw new Error('the file was accepted');
}

describe.skipIf(!haveSharedModels)('model config: metadata that contradicts the tensors is refused', () => {
  it('accepts the file unchanged', async () => {
    const c = llamaConfigFromGGUF(await readGGUF(bytesSource(BASE)));
    expect(c).toMatchObject({ layers: 5, dim: 64, heads: 8, kvHeads: 4, headDim: 8, ffnDim: 172, vocabSize: 512 });
  });

  it("the issue's bit flip: byte 11250 xor 0x20 makes block_count 536,870,917", async () => {
    const bytes = BASE.slice();
    bytes[11250] ^= 0x20;
    expect(new DataView(bytes.buffer).getUint32(valueOffset(bytes, 'llama.block_count'), true)).toBe(536_870_917);
    expect(await refusal(bytes)).toMatch(
      /^GGUF metadata llama\.block_count is 536870917, but the file holds tensors of 5 layers \(blk\.0 … blk\.4\)$/,
    );
  });

  it('block_count larger than the layers present', async () => {
    const bytes = patched((v, at) => v.setUint32(at('llama.block_count'), 100_000, true));
    expect(await refusal(bytes)).toMatch(/llama\.block_count is 100000, but the file holds tensors of 5 layers/);
    const missingLayer = await rewritten(
      () => {},
      (name) => !name.startsWith('blk.4.'),
    );
    expect(await refusal(missingLayer)).toMatch(/llama\.block_count is 5, but the file holds tensors of 4 layers \(blk\.0 … blk\.3\)/);
  });

  it('block_count smaller than the layers present: no layer is silently dropped', async () => {
    const bytes = patched((v, at) => v.setUint32(at('llama.block_count'), 3, true));
    expect(await refusal(bytes)).toMatch(
      /llama\.block_count is 3, but the file holds tensors of 5 layers \(blk\.0 … blk\.4\); blk\.3 and above would be dropped/,
    );
  });

  it('rope.dimension_count larger than the head, or odd, is not ignored', async () => {
    expect(await refusal(patched((v, at) => v.setUint32(at('llama.rope.dimension_count'), 40, true)))).toMatch(
      /llama\.rope\.dimension_count is 40, more than the head dimension 8/,
    );
    expect(await refusal(patched((v, at) => v.setUint32(at('llama.rope.dimension_count'), 7, true)))).toMatch(
      /llama\.rope\.dimension_count is 7; .*positive even integer/,
    );
    // partial rotary (fewer rotated dims than the head) stays legal
    const partial = await readGGUF(bytesSource(patched((v, at) => v.setUint32(at('llama.rope.dimension_count'), 4, true))));
    expect(llamaConfigFromGGUF(partial).rope.partialRotaryFactor).toBe(0.5);
  });

  it('layer_norm_rms_epsilon of 1e30, negative or zero', async () => {
    for (const eps of [1e30, -1e-5, 0, Infinity]) {
      const bytes = patched((v, at) => v.setFloat32(at('llama.attention.layer_norm_rms_epsilon'), eps, true));
      expect(await refusal(bytes)).toMatch(/llama\.attention\.layer_norm_rms_epsilon (is|must be a number)/);
    }
  });

  it('head counts, widths and vocabulary that disagree with the tensors name the key', async () => {
    const cases: Array<[string, number, RegExp]> = [
      [
        'llama.attention.head_count_kv',
        2,
        /llama\.attention\.head_count_kv is 2 \(× 8 dims = 16\), but blk\.0\.attn_k\.weight has 32 rows/,
      ],
      ['llama.attention.head_count_kv', 3, /llama\.attention\.head_count 8 is not a multiple of llama\.attention\.head_count_kv 3/],
      [
        'llama.attention.head_count',
        4,
        /llama\.attention\.head_count is 4 \(× 16 dims = 64\)|llama\.attention\.head_count_kv is 4 \(× 16 dims = 64\), but blk\.0\.attn_k\.weight has 32 rows/,
      ],
      ['llama.embedding_length', 128, /llama\.embedding_length is 128, but token_embd\.weight has 64 values per row/],
      ['llama.feed_forward_length', 200, /llama\.feed_forward_length is 200, but blk\.0\.ffn_gate\.weight has 172 rows/],
    ];
    for (const [key, value, message] of cases)
      expect(await refusal(patched((v, at) => v.setUint32(at(key), value, true)))).toMatch(message);
    const vocab = await rewritten((m) => m.set('llama.vocab_size', meta.u32(1000)));
    expect(await refusal(vocab)).toMatch(/llama\.vocab_size is 1000, but token_embd\.weight has 512 rows/);
    const text = await rewritten((m) => m.set('llama.context_length', meta.str('2048')));
    expect(await refusal(text)).toMatch(/llama\.context_length must be a number, got "2048"/);
  });
});
