// `lab tokenize`: ids as llama.cpp produces them (BOS per the model), and one-line errors, exit 2.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LLAMA_SPM_VOCAB, missing } from './tokenizer-helpers.ts';

const lab = (...args: string[]) => spawnSync('node_modules/.bin/tsx', ['src/cli/main.ts', 'tokenize', ...args], { encoding: 'utf8' });
const absent = missing(LLAMA_SPM_VOCAB);

describe('lab tokenize', () => {
  it.skipIf(absent)(`prints llama.cpp's ids with BOS for --text and --text-file ${absent || ''}`, () => {
    // llama.cpp's vector for "Hello world" is 15043 3186; the Llama vocabulary adds BOS (1).
    const fromText = lab('--model', LLAMA_SPM_VOCAB, '--text', 'Hello world', '--json');
    expect(fromText.status).toBe(0);
    expect(JSON.parse(fromText.stdout)).toEqual({ ids: [1, 15043, 3186] });

    // The file ends with a newline, which SentencePiece spells as byte token <0x0A> = 13.
    const fromFile = lab('--model', LLAMA_SPM_VOCAB, '--text-file', 'tests/fixtures/tokenizer/hello.txt', '--json', '--no-bos');
    expect(JSON.parse(fromFile.stdout)).toEqual({ ids: [15043, 3186, 13] });

    const human = lab('--model', LLAMA_SPM_VOCAB, '--text', '<s>Hi', '--parse-special');
    expect(human.stdout).toMatch(/^2 tokens\n\s+1 {2}"<s>"\n\s+6324 {2}" Hi"\n$/);
  });

  it.each([
    [['--text', 'x'], 'missing required option --model'],
    [['--model', 'nope.gguf', '--text', 'x'], "--model: no such file 'nope.gguf'"],
    [['--model', 'package.json'], 'give exactly one of --text or --text-file'],
    [['--model', 'package.json', '--text', 'x', '--text-file', 'y'], 'give exactly one of --text or --text-file'],
    [['--model', 'package.json', '--text-file', 'no/such.txt'], "--text-file: cannot read 'no/such.txt'"],
    [['--model', 'package.json', '--text', 'x', '--bogus'], '--bogus'],
  ])('rejects %j with exit 2 and one line', (args, message) => {
    const r = lab(...args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });

  it('fails with one line on a file that is not a GGUF model', () => {
    const r = lab('--model', 'package.json', '--text', 'x');
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('not a GGUF file');
  });
});
