// Hostile CLI input: files that are not regular files (a FIFO blocks, a device never ends, an output
// rename would replace a device node), text files past the size bound, numbers with no bound, negative
// numbers, and RoPE flags checked before the model loads. Every refusal is one line, exit 2. Most cases
// run in-process (fast); the ones that hung or ran without bound before run as a child with a timeout.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/args.ts';
import { run as convert } from '../../src/cli/commands/convert.ts';
import { run as decay } from '../../src/cli/commands/decay.ts';
import { run as generate } from '../../src/cli/commands/generate.ts';
import { run as minBase } from '../../src/cli/commands/min-base.ts';
import { run as ppl } from '../../src/cli/commands/ppl.ts';
import { run as rope } from '../../src/cli/commands/rope.ts';
import { run as tokenize } from '../../src/cli/commands/tokenize.ts';
import { MAX_TEXT_FILE_BYTES, readTextFile } from '../../src/cli/files.ts';
import { requireTestFiles, STORIES_GGUF } from '../helpers/shared.ts';

const work = mkdtempSync(join(tmpdir(), 'cli-limits-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * A child `lab` that is killed after `timeout` ms (status null) if it hangs or runs on; one process (tsx as a
 * loader), so the kill reaches it.
 */
const lab = (timeout: number, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', timeout, killSignal: 'SIGKILL' });

function expectOneLineRefusal(r: ReturnType<typeof lab>, message: string | RegExp) {
  expect(r.status, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(typeof message === 'string' ? new RegExp(`^lab: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) : message);
}

function fifo(name: string): string {
  const path = join(work, name);
  execFileSync('mkfifo', [path]);
  return path;
}

const TEXT = join(work, 'text.txt');
writeFileSync(TEXT, 'Once upon a time');
const noStories = !requireTestFiles('lab convert onto a FIFO', STORIES_GGUF);

describe('files that are not regular files', () => {
  it.skipIf(noStories)('convert refuses an output path that exists as a FIFO (the rename would replace it)', async () => {
    const out = fifo('out.gguf');
    await expect(convert([STORIES_GGUF, '-o', out, '--type', 'f32'])).rejects.toThrow(
      new CliError(`--output: '${out}' is a FIFO; give the path of a regular file`),
    );
    expect(statSync(out).isFIFO()).toBe(true);
  });

  it('tokenize refuses a character device as --text-file (/dev/zero never ends)', async () => {
    await expect(tokenize(['--model', 'builtin:stage1', '--text-file', '/dev/null'])).rejects.toThrow(
      new CliError(`--text-file: '/dev/null' is a character device, not a regular file`),
    );
  });

  it('tokenize refuses a FIFO as --text-file instead of waiting for a writer', () => {
    expectOneLineRefusal(
      lab(15_000, 'tokenize', '--model', 'builtin:stage1', '--text-file', fifo('text.fifo')),
      /--text-file: '.*text\.fifo' is a FIFO, not a regular file$/,
    );
  });

  it('tokenize refuses a FIFO as --model before opening it', () => {
    expectOneLineRefusal(
      lab(15_000, 'tokenize', '--model', fifo('model.fifo'), '--text', 'x'),
      /--model: '.*model\.fifo' is a FIFO, not a regular file$/,
    );
  });

  it(`tokenize refuses a --text-file over ${MAX_TEXT_FILE_BYTES / 2 ** 20} MiB`, () => {
    const big = join(work, 'big.txt');
    writeFileSync(big, '');
    truncateSync(big, MAX_TEXT_FILE_BYTES + 1); // sparse: no disk used
    expectOneLineRefusal(
      lab(15_000, 'tokenize', '--model', 'builtin:stage1', '--text-file', big),
      /--text-file: '.*big\.txt' is larger than 256 MiB$/,
    );
  });

  it('readTextFile stops at the bound even where the size on record is smaller', () => {
    const path = join(work, 'hundred.txt');
    writeFileSync(path, 'x'.repeat(100));
    expect(readTextFile('--text-file', path, 100)).toHaveLength(100);
    expect(() => readTextFile('--text-file', path, 99)).toThrow(`--text-file: '${path}' is larger than`);
  });
});

describe('numbers', () => {
  it('decay --count 1e9 is refused at once instead of running', () => {
    expectOneLineRefusal(
      lab(15_000, 'decay', '--head-dim', '128', '--base', '1e4', '--count', '1e9'),
      '--count must be an integer in 2…100000, got 1e9',
    );
  });

  it('min-base --context 1e15 is refused at once instead of running', () => {
    expectOneLineRefusal(
      lab(15_000, 'min-base', '--head-dim', '128', '--context', '1e15'),
      '--context must be an integer in 1…16777216, got 1e15',
    );
  });

  it('min-base refuses a scan whose size multiplies past the bound', async () => {
    await expect(minBase(['--head-dim', '1024', '--context', '16000000', '--steps-per-decade', '10000'])).rejects.toThrow(
      /^--context, --head-dim, --steps-per-decade and --verify-decades ask for .* cosine evaluations, more than the .* allowed: lower them$/,
    );
  });

  it.each([
    [['--head-dim', '128', '--base', '-5'], '--base must be in (1, 1e15], got -5'],
    [['--head-dim', '-128', '--base', '1e4'], '--head-dim must be an integer in 2…1024, got -128'],
    [['--head-dim', '128', '--base', '1e4', '--type', 'linear', '--factor', '-2'], '--factor must be in (0, 10000], got -2'],
    [['--head-dim', '128', '--base', '1e300'], '--base must be in (1, 1e15], got 1e300'],
    [
      ['--head-dim', '128', '--base', '1e4', '--type', 'yarn', '--factor', '4', '--original-context', '1e12'],
      '--original-context must be an integer in 1…16777216, got 1e12',
    ],
  ])('rope %j: %s', async (args, message) => {
    await expect(rope(args)).rejects.toThrow(new CliError(message));
  });

  it('a negative number through the real CLI gets its own message, not "argument is ambiguous"', () => {
    expectOneLineRefusal(lab(15_000, 'rope', '--head-dim', '128', '--base', '-5'), '--base must be in (1, 1e15], got -5');
  });

  it.each([
    [['decay', '--head-dim', '128', '--base', '1e4', '--distances', '0,-1'], '--distances: each value must be in [0, 1e12], got -1'],
    [['generate', '--temperature', '-1'], '--temperature must be in [0, 100], got -1'],
    [['generate', '--max-tokens', '1e9'], '--max-tokens must be an integer in 1…16777216, got 1e9'],
    [['generate', '--repeat-last-n', '100000'], '--repeat-last-n must be an integer in 1…256, got 100000'],
    [['generate', '--seed', '-3'], '--seed must be an integer in 0…4294967295, got -3'],
    [['generate', '--ctx', '1e12'], '--ctx must be an integer in 1…16777216, got 1e12'],
  ])('%j: %s', async ([command, ...args], message) => {
    const run = command === 'decay' ? decay : generate;
    await expect(run([...args, ...(command === 'generate' ? ['--model', '/no/such.gguf'] : [])])).rejects.toThrow(new CliError(message));
  });

  it('generate takes --top-k 0 (off), as llama.cpp does', async () => {
    // option checks pass; the missing model is the first problem
    await expect(generate(['--model', '/no/such.gguf', '--top-k', '0'])).rejects.toThrow(
      new CliError(`--model: no such file '/no/such.gguf'`),
    );
  });
});

describe('RoPE flags are checked before the model loads', () => {
  it.each([
    [['--rope-factor', '0'], '--rope-factor must be in (0, 10000], got 0'],
    [['--rope-base', '-5'], '--rope-base must be in (1, 1e15], got -5'],
    [['--rope-scaling', 'yarn'], '--rope-scaling yarn needs --rope-factor'],
    [['--rope-scaling', 'cubic'], `--rope-scaling must be one of none, linear, yarn, got 'cubic'`],
  ])('ppl %j: %s', async (flags, message) => {
    await expect(ppl(['--model', '/no/such.gguf', '--text-file', TEXT, ...flags])).rejects.toThrow(new CliError(message));
  });
});
