// `lab tokenize`: ids as llama.cpp produces them (BOS per the model), and one-line errors. Most
// cases call the command in-process (spawning tsx costs about a second each on CI's two cores);
// one run goes through the real CLI to check the JSON output and the exit code.
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/args.ts';
import { run } from '../../src/cli/commands/tokenize.ts';
import { LLAMA_SPM_VOCAB, requireTestFiles, sharedModel, STORIES_GGUF, TINYSTORIES_TEXT } from '../helpers/shared.ts';
import { runLabCli, stdoutOfCommand } from '../helpers/cli-runners.ts';

const absent = !requireTestFiles('lab tokenize on the Llama SPM vocabulary', LLAMA_SPM_VOCAB);
const STORIES_BIN = sharedModel('stories260K.bin');
const TOK512 = sharedModel('tok512.bin');
const llama2cAbsent = !requireTestFiles('lab tokenize on a llama2.c checkpoint', STORIES_BIN, TOK512, STORIES_GGUF, TINYSTORIES_TEXT);

/** Runs `lab tokenize …` in-process and returns what it printed. */
const tokenize = (...args: string[]) => stdoutOfCommand(run, args);

describe('lab tokenize', () => {
  it.skipIf(absent)(`prints llama.cpp's ids, with BOS, through the real CLI`, () => {
    // llama.cpp's vector for "Hello world" is 15043 3186; the Llama vocabulary adds BOS (1).
    const r = runLabCli('tokenize', '--model', LLAMA_SPM_VOCAB, '--text', 'Hello world', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ids: [1, 15043, 3186] });
  });

  it('exits 2 with one line for a bad option', () => {
    const r = runLabCli('tokenize', '--text', 'x');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('missing required option --model');
  });

  it.skipIf(absent)('reads --text-file, honours --no-bos and --parse-special', async () => {
    // The file ends with a newline, which SentencePiece spells as byte token <0x0A> = 13.
    const fromFile = await tokenize('--model', LLAMA_SPM_VOCAB, '--text-file', 'tests/fixtures/tokenizer/hello.txt', '--json', '--no-bos');
    expect(JSON.parse(fromFile)).toEqual({ ids: [15043, 3186, 13] });
    const human = await tokenize('--model', LLAMA_SPM_VOCAB, '--text', '<s>Hi', '--parse-special');
    expect(human).toMatch(/^2 tokens\n\s+1 {2}"<s>"\n\s+6324 {2}" Hi"\n$/);
  });

  it.skipIf(llama2cAbsent)(`gives a llama2.c checkpoint + tokenizer.bin the same ids as its GGUF`, async () => {
    const viaBin = JSON.parse(await tokenize('--model', STORIES_BIN, '--tokenizer', TOK512, '--text-file', TINYSTORIES_TEXT, '--json'));
    const viaGguf = JSON.parse(await tokenize('--model', STORIES_GGUF, '--text-file', TINYSTORIES_TEXT, '--json'));
    expect(viaBin.ids.length).toBeGreaterThan(10_000);
    expect(viaBin).toEqual(viaGguf);
    await expect(tokenize('--model', STORIES_BIN, '--text', 'x')).rejects.toThrow(/llama2\.c checkpoint, which has no vocabulary/);
    await expect(tokenize('--model', STORIES_GGUF, '--tokenizer', TOK512, '--text', 'x')).rejects.toThrow(
      /GGUF file with its own vocabulary/,
    );
  });

  it.each([
    [['--text', 'x'], 'missing required option --model'],
    [['--model', 'nope.gguf', '--text', 'x'], "--model: no such file 'nope.gguf'"],
    [['--model', 'package.json', '--tokenizer', 'nope.bin', '--text', 'x'], "--tokenizer: no such file 'nope.bin'"],
    [['--model', 'package.json'], 'give exactly one of --text or --text-file'],
    [['--model', 'package.json', '--text', 'x', '--text-file', 'y'], 'give exactly one of --text or --text-file'],
    [['--model', 'package.json', '--text-file', 'no/such.txt'], "--text-file: no such file 'no/such.txt'"],
    [['--model', 'package.json', '--text', 'x', '--bogus'], "'--bogus'"],
  ])('rejects %j with a CliError naming the problem', async (args, message) => {
    const call = tokenize(...args);
    await expect(call).rejects.toBeInstanceOf(CliError);
    await expect(call).rejects.toThrow(message);
  });

  it('names a file that is no model at all', async () => {
    await expect(tokenize('--model', 'package.json', '--text', 'x')).rejects.toThrow(/neither a GGUF file .* nor a llama2\.c checkpoint/);
  });
});
