// `lab inspect` and `lab convert`: end to end through the CLI (exit codes, one-line errors) and
// in-process for the many option checks (fast), with outputs compared against llama.cpp's files.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/args.ts';
import { run as convert } from '../../src/cli/commands/convert.ts';
import { run as inspect } from '../../src/cli/commands/inspect.ts';
import { GGMLType, bytesSource, meta, readGGUF, readTensorBytes, writeGGUF, type ModelSummary } from '../../src/gguf/index.ts';
import { requireTestFiles, sharedModel, STORIES_FILES } from '../helpers/shared.ts';
import { runLabCli, stdoutOfCommand } from '../helpers/cli-runners.ts';

const haveSharedModels = requireTestFiles(
  'lab inspect / lab convert',
  ...STORIES_FILES.map(sharedModel),
  sharedModel('stories260K.bin'),
  sharedModel('tok512.bin'),
);

const work = mkdtempSync(join(tmpdir(), 'gguf-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function expectTensorsEqual(ours: string, reference: string) {
  const a = await readGGUF(bytesSource(new Uint8Array(readFileSync(ours))));
  const b = await readGGUF(bytesSource(new Uint8Array(readFileSync(reference))));
  expect(a.tensors.map((t) => t.name).sort()).toEqual(b.tensors.map((t) => t.name).sort());
  for (const t of a.tensors) {
    const ref = b.tensorsByName.get(t.name)!;
    expect({ dims: t.dims, type: t.type }, t.name).toEqual({ dims: ref.dims, type: ref.type });
    expect(Buffer.compare(Buffer.from(await readTensorBytes(a, t)), Buffer.from(await readTensorBytes(b, ref))), t.name).toBe(0);
  }
  return a;
}

describe('lab inspect on a synthetic long-context model', () => {
  const path = join(work, 'rope.gguf');
  writeFileSync(
    path,
    writeGGUF(
      [
        ['general.architecture', meta.str('llama')],
        ['llama.context_length', meta.u32(32768)],
        ['llama.embedding_length', meta.u32(256)],
        ['llama.attention.head_count', meta.u32(4)],
        ['llama.rope.freq_base', meta.f32(500000)],
        ['llama.rope.scaling.type', meta.str('linear')],
        ['llama.rope.scaling.factor', meta.f32(4)],
      ],
      [
        { name: 'blk.0.attn_q.weight', dims: [256, 4], type: GGMLType.IQ2_XXS, data: new Uint8Array(4 * 66) },
        { name: 'blk.0.attn_norm.weight', dims: [256], type: GGMLType.F32, data: new Uint8Array(1024) },
      ],
    ),
  );

  it('reports every rope key and lists tensors of unsupported types instead of failing', async () => {
    const s = JSON.parse(await stdoutOfCommand(inspect, [path, '--json'])) as ModelSummary;
    expect(s.rope).toEqual({ 'rope.freq_base': 500000, 'rope.scaling.type': 'linear', 'rope.scaling.factor': 4 });
    expect(s).toMatchObject({ contextLength: 32768, headDim: 64, headCountKv: 4, vocabSize: null, tensorsByType: { IQ2_XXS: 1, F32: 1 } });
    expect(s.unsupportedTensors).toEqual(['blk.0.attn_q.weight (IQ2_XXS)']);
  });

  it('convert refuses the unsupported tensor, naming it and its type', async () => {
    await expect(convert([path, '-o', join(work, 'iq.gguf'), '--type', 'q8_0'])).rejects.toThrow(
      /tensor 'blk.0.attn_q.weight' has type IQ2_XXS \(16\), which RoPE Lab does not support/,
    );
    expect(existsSync(join(work, 'iq.gguf'))).toBe(false);
  });
});

describe.skipIf(!haveSharedModels)('lab inspect', () => {
  it('summarizes a mixed-type GGUF as JSON', async () => {
    const s = JSON.parse(await stdoutOfCommand(inspect, [sharedModel('stories260K-Q8_0.gguf'), '--json'])) as ModelSummary;
    expect(s).toMatchObject({
      format: 'gguf',
      ggufVersion: 3,
      architecture: 'llama',
      contextLength: 2048,
      embeddingLength: 64,
      feedForwardLength: 172,
      blockCount: 5,
      headCount: 8,
      headCountKv: 4,
      headDim: 8,
      vocabSize: 512,
      fileType: 7,
      fileTypeName: 'MOSTLY_Q8_0',
      rope: { 'rope.dimension_count': 8 },
      tensorCount: 48,
      tensorsByType: { Q8_0: 32, F32: 16 },
      parameters: 292800,
    });
    expect(s.metadata['tokenizer.ggml.tokens']).toMatchObject({ array: 'STRING', length: 512 });
    expect(s.tensors.find((t) => t.name === 'blk.0.attn_q.weight')).toMatchObject({ dims: [64, 64], type: 'Q8_0', bytes: 4352 });
    expect(s.totalTensorBytes).toBe(s.bytesByType.Q8_0 + s.bytesByType.F32);
  });

  it('summarizes a llama2.c checkpoint with its tokenizer in readable text', async () => {
    const text = await stdoutOfCommand(inspect, [sharedModel('stories260K.bin'), '--tokenizer', sharedModel('tok512.bin')]);
    expect(text).toContain('llama2.c checkpoint');
    expect(text).toContain('context 512, embedding 64, feed-forward 172, layers 5');
    expect(text).toMatch(/blk\.4\.ffn_down\.weight\s+F32\s+\[172, 64\]/);
  });
});

describe.skipIf(!haveSharedModels)('lab convert', () => {
  it("llama2.c -> q8_0 reproduces llama.cpp's Q8_0 tensors, and leaves no partial file", async () => {
    const out = join(work, 'q8.gguf');
    const result = JSON.parse(
      await stdoutOfCommand(convert, [
        sharedModel('stories260K.bin'),
        '--tokenizer',
        sharedModel('tok512.bin'),
        '-o',
        out,
        '--type',
        'q8_0',
        '--json',
      ]),
    );
    expect(result).toMatchObject({ format: 'llama2c', type: 'q8_0', tensors: 48, tensorsByType: { Q8_0: 32, F32: 16 } });
    expect(existsSync(`${out}.partial`)).toBe(false);
    const written = await expectTensorsEqual(out, sharedModel('stories260K-Q8_0.gguf'));
    expect(written.metadata.get('general.file_type')).toBe(7);
    expect(written.metadata.get('general.quantization_version')).toBe(2);
    expect(written.metadata.get('llama.context_length')).toBe(512);
  });

  it("GGUF F32 -> q4_0 and -> f16 reproduce llama.cpp's tensors", async () => {
    for (const [type, reference] of [
      ['q4_0', 'stories260K-Q4_0.gguf'],
      ['f16', 'stories260K-F16.gguf'],
    ]) {
      const out = join(work, `${type}.gguf`);
      await stdoutOfCommand(convert, [sharedModel('stories260K.gguf'), '-o', out, '--type', type]);
      await expectTensorsEqual(out, sharedModel(reference));
    }
  });

  it('rejects bad options with a CliError naming the problem', async () => {
    const bin = sharedModel('stories260K.bin');
    const gguf = sharedModel('stories260K.gguf');
    const out = join(work, 'x.gguf');
    const cases: Array<[string[], RegExp]> = [
      [[gguf, '-o', out, '--type', 'q5_1'], /--type must be f32, f16, q8_0 or q4_0, got 'q5_1'/],
      [[gguf, '--type', 'q8_0'], /missing required option --output/],
      [[gguf, '-o', out], /missing required option --type/],
      [[bin, '-o', out, '--type', 'q8_0'], /llama2.c checkpoint: pass its vocabulary with --tokenizer/],
      [[join(work, 'absent.bin'), '-o', out, '--type', 'q8_0'], /no such file/],
      [[gguf, gguf, '-o', out, '--type', 'q8_0'], /convert takes one input file, got 2/],
      [[gguf, '-o', gguf, '--type', 'q8_0'], /must not overwrite the input/],
      [
        [bin, '--tokenizer', sharedModel('tok512.bin'), '-o', out, '--type', 'q8_0', '--context-length', 'abc'],
        /--context-length must be a number/,
      ],
      [[gguf, '--tokenizer', sharedModel('tok512.bin'), '-o', out, '--type', 'q8_0'], /--tokenizer applies to llama2.c checkpoints only/],
    ];
    for (const [args, message] of cases) {
      const error = await convert(args).then(
        () => null,
        (err: unknown) => err,
      );
      expect(error, args.join(' ')).toBeInstanceOf(CliError);
      expect((error as Error).message, args.join(' ')).toMatch(message);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('through the CLI: a bad option exits 2 with one line, a broken model file exits 1 with one line', () => {
    const bad = runLabCli('convert', sharedModel('stories260K.gguf'), '-o', join(work, 'y.gguf'), '--type', 'q3_k');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([`lab: --type must be f32, f16, q8_0 or q4_0, got 'q3_k'`]);
    const broken = runLabCli('inspect', sharedModel('tok512.bin'));
    expect(broken.status).toBe(1);
    expect(broken.stderr.trim().split('\n')).toHaveLength(1);
    expect(broken.stderr).toMatch(/is neither a GGUF file .* nor a llama2.c checkpoint/);
  });
});
