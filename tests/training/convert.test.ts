// `lab convert` for the lab's own models: a tiny synthetic llama2.c checkpoint plus a trained vocabulary
// GGUF, with the RoPE it was trained with recorded in the metadata and read back by the lab.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run as convert } from '../../src/cli/commands/convert.ts';
import { readGGUF } from '../../src/gguf/reader.ts';
import { bytesSource } from '../../src/gguf/source.ts';
import { ropeConfigFromGGUF } from '../../src/rope/gguf.ts';
import { createTokenizer } from '../../src/tokenizer/tokenizer.ts';
import { trainBpe } from '../../training/tokenizer/train-bpe.ts';
import { vocabularyGGUF } from '../../training/tokenizer/vocab-gguf.ts';

const work = mkdtempSync(join(tmpdir(), 'training-convert-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const vocab = trainBpe(
  ['It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.'],
  { vocabSize: 300 },
);
const vocabPath = join(work, 'vocab.gguf');
writeFileSync(vocabPath, vocabularyGGUF(vocab, 'tiny vocab'));

/** A legacy llama2.c checkpoint: 7 int32 header fields, then every float array (see src/gguf/llama2c.ts). */
function tinyCheckpoint(vocabSize: number): Uint8Array {
  const [dim, hidden, layers, heads, kvHeads, seqLen] = [8, 16, 1, 2, 2, 16];
  const floats = vocabSize * dim + layers * (2 * dim + 4 * dim * dim + 3 * dim * hidden) + dim + seqLen * (dim / heads);
  const bytes = new Uint8Array(28 + 4 * floats);
  const view = new DataView(bytes.buffer);
  [dim, hidden, layers, heads, kvHeads, vocabSize, seqLen].forEach((v, i) => view.setInt32(4 * i, v, true));
  for (let i = 0; i < floats; i++) view.setFloat32(28 + 4 * i, Math.sin(i) / 10, true);
  return bytes;
}
const checkpointPath = join(work, 'tiny.bin');
writeFileSync(checkpointPath, tinyCheckpoint(vocab.tokens.length));

async function convertQuietly(args: string[]): Promise<void> {
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await convert(args);
  } finally {
    spy.mockRestore();
  }
}

async function metadataOf(path: string): Promise<Map<string, unknown>> {
  return (await readGGUF(bytesSource(new Uint8Array(await readFile(path))))).metadata;
}

describe('lab convert with a trained vocabulary and RoPE options', () => {
  it('records the vocabulary, name and linear-scaled RoPE, and the lab reads them back', async () => {
    const out = join(work, 'pi.gguf');
    await convertQuietly([
      checkpointPath,
      '--tokenizer',
      vocabPath,
      '-o',
      out,
      '--type',
      'f32',
      '--name',
      'tiny-pi',
      '--rope-base',
      '500000',
      '--rope-scaling',
      'linear',
      '--rope-factor',
      '8',
      '--rope-original-context',
      '16',
      '--context-length',
      '128',
    ]);
    const metadata = await metadataOf(out);
    expect(metadata.get('general.name')).toBe('tiny-pi');
    expect(metadata.get('llama.context_length')).toBe(128);
    expect(metadata.get('llama.rope.freq_base')).toBe(500000);
    expect(metadata.get('llama.rope.scaling.type')).toBe('linear');
    expect(metadata.get('llama.rope.scaling.factor')).toBe(8);
    expect(metadata.get('llama.rope.scaling.original_context_length')).toBe(16);
    expect(metadata.get('tokenizer.ggml.tokens')).toEqual(vocab.tokens);
    expect(metadata.get('tokenizer.ggml.add_bos_token')).toBe(true);
    expect(ropeConfigFromGGUF(metadata)).toMatchObject({ type: 'linear', base: 500000, factor: 8, headDim: 4 });
    const tokenizer = createTokenizer(metadata);
    expect(tokenizer.decode(tokenizer.encode('a single man'))).toBe('a single man');
  });

  it('records a base change alone (ABF) as unscaled RoPE with that base', async () => {
    const out = join(work, 'abf.gguf');
    await convertQuietly([checkpointPath, '--tokenizer', vocabPath, '-o', out, '--type', 'q8_0', '--rope-base', '500000']);
    const metadata = await metadataOf(out);
    expect(metadata.has('llama.rope.scaling.type')).toBe(false);
    expect(metadata.get('general.name')).toBe('llama');
    expect(ropeConfigFromGGUF(metadata)).toMatchObject({ type: 'default', base: 500000, headDim: 4 });
  });

  it('names each bad RoPE option in one line', async () => {
    const base = [checkpointPath, '--tokenizer', vocabPath, '-o', join(work, 'bad.gguf'), '--type', 'f32'];
    const cases: Array<[string[], RegExp]> = [
      [['--rope-base', 'ten'], /^--rope-base must be a number, got 'ten'$/],
      [['--rope-base', '1'], /^--rope-base must be in \(1, 1e15\], got 1$/],
      [['--rope-scaling', 'yarn', '--rope-factor', '4'], /^--rope-scaling must be none or linear, got 'yarn'$/],
      [['--rope-scaling', 'linear'], /^missing required option --rope-factor$/],
      [['--rope-scaling', 'linear', '--rope-factor', '0'], /^--rope-factor must be in \(0, 10000\], got 0$/],
      [['--rope-factor', '8'], /^--rope-factor needs --rope-scaling linear$/],
      [
        ['--rope-scaling', 'linear', '--rope-factor', '8', '--rope-original-context', '1.5'],
        /^--rope-original-context must be an integer in 1…16777216, got 1\.5$/,
      ],
      [['--name', ' '], /^--name must not be empty$/],
    ];
    for (const [extra, message] of cases) await expect(convertQuietly([...base, ...extra]), extra.join(' ')).rejects.toThrow(message);
  });

  it("refuses a vocabulary whose size differs from the checkpoint's", async () => {
    const other = join(work, 'other.bin');
    writeFileSync(other, tinyCheckpoint(vocab.tokens.length + 1));
    await expect(convertQuietly([other, '--tokenizer', vocabPath, '-o', join(work, 'x.gguf'), '--type', 'f32'])).rejects.toThrow(
      `vocab.gguf: the vocabulary has 300 tokens but the checkpoint's vocab_size is 301`,
    );
  });

  it('exits 2 with one line for a bad value, and refuses RoPE options for GGUF input', () => {
    const lab = (...args: string[]) => spawnSync('node_modules/.bin/tsx', ['src/cli/main.ts', 'convert', ...args], { encoding: 'utf8' });
    const bad = lab(
      checkpointPath,
      '--tokenizer',
      vocabPath,
      '-o',
      join(work, 'y.gguf'),
      '--type',
      'f32',
      '--rope-factor=-2',
      '--rope-scaling',
      'linear',
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('--rope-factor must be in (0, 10000], got -2');
    const gguf = lab(join(work, 'pi.gguf'), '-o', join(work, 'z.gguf'), '--type', 'f32', '--rope-base', '10000');
    expect(gguf.status).toBe(2);
    expect(gguf.stderr).toContain('--rope-base applies to llama2.c checkpoints only');
  });
});
