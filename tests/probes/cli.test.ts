// `lab probe` on the CPU reference engine (stories260K): JSON shapes, the RoPE override run beside the
// model's own, and a CliError (exit 2, one line) naming every bad option. The command runs in-process
// (tsx start-up costs ~1 s a spawn); one spawn checks the exit code and the one-line message.
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/args.ts';
import { run } from '../../src/cli/commands/probe.ts';
import { requireTestFiles, STORIES_GGUF, TINYSTORIES_TEXT } from '../helpers/shared.ts';
import { runLabCli, stdoutOfCommand } from '../helpers/cli-runners.ts';

const haveStories = requireTestFiles('lab probe on stories260K', STORIES_GGUF, TINYSTORIES_TEXT);

/** Runs `lab probe …` in-process and returns what it printed. */
const probe = (...args: string[]) => stdoutOfCommand(run, args);

describe('lab probe: option errors', () => {
  it('exits 2 with one line', () => {
    const r = runLabCli('probe', 'loss-by-position', '--model', 'x', '--depths', '0.5');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['lab: --depths does not apply to loss-by-position']);
  });

  it.each([
    [['frobnicate'], /probe needs one of loss-by-position, perplexity/],
    [['passkey'], /missing required option --model/],
    [['passkey', '--model', 'nope.gguf'], /--model: no such file 'nope.gguf'/],
    [['passkey', '--model', 'x', '--bogus'], /'--bogus'/],
    [['perplexity', '--model', 'x', '--map', '1:1'], /--map does not apply to perplexity/],
    [['--preset', 'nope'], /--preset must be one of rope-pi-abf, extend-smollm2, got 'nope'/],
    [['--preset', 'rope-pi-abf', '--model', 'x'], /--preset rope-pi-abf runs on the lab's own models/],
    [
      ['--preset', 'extend-smollm2', '--ctx', '512', '--model', 'x'],
      /the preset's context must be a multiple of 8 from 1024 to 32768 tokens, got 512/,
    ],
  ])('%j', async (args, message) => {
    await expect(probe(...args)).rejects.toThrow(CliError);
    await expect(probe(...args)).rejects.toThrow(message);
  });

  it.skipIf(!haveStories).each([
    [['--rope-scaling', 'wiggly'], /--rope-scaling must be one of none, default, linear/],
    [['--rope-base', '0.5'], /^--rope-base must be in \(1, 1e15\], got 0\.5$/],
    [['--map', '3'], /--map must be LAYER:HEAD/],
    [['--engine', 'tpu'], /--engine must be gpu or cpu/],
    [['--text', 'sotu-1700'], /--text: no built-in text 'sotu-1700'/],
    [['--variants', 'linear:4,wobble:2'], /--variants: 'wobble:2' is not base:B or TYPE:FACTOR/],
    [['--variants', 'yarn:0'], /^--variants: 'yarn:0': the factor must be in \(0, 10000\]$/],
    [['--ctx', '1', '--text-file', TINYSTORIES_TEXT], /fewer than 2 tokens/],
    [['--kv-cache', 'bf16'], /--kv-cache must be f32 or f16, got 'bf16'/],
  ])('attention-distance %j', async (extra, message) => {
    await expect(probe('attention-distance', '--model', STORIES_GGUF, '--engine', 'cpu', ...extra)).rejects.toThrow(message);
  });

  it.skipIf(!haveStories)('--preset extend-smollm2 refuses a model that is not SmolLM2-135M, naming what differs', async () => {
    await expect(probe('--preset', 'extend-smollm2', '--ctx', '1024', '--model', STORIES_GGUF)).rejects.toThrow(
      /this experiment is written for SmolLM2-135M-Instruct; the loaded model '.*' has 5 layers, 8 heads \/ 4 KV heads \(needs 30, 9 \/ 3\)/,
    );
  });
});

describe.skipIf(!haveStories)('lab probe on stories260K (--engine cpu)', () => {
  it('loss-by-position --json: the own RoPE and the override side by side', async () => {
    const result = JSON.parse(
      await probe(
        'loss-by-position',
        '--model',
        STORIES_GGUF,
        '--engine',
        'cpu',
        '--ctx',
        '128',
        '--text-file',
        TINYSTORIES_TEXT,
        '--rope-base',
        '40000',
        '--json',
      ),
    );
    expect(result.provenance).toMatchObject({
      probe: 'loss-by-position',
      texts: [{ id: 'user', tokens: 128 }],
      model: { trainedContext: 2048 },
    });
    expect(result.series.map((s: { variant: { label: string } }) => s.variant.label)).toEqual(['own', 'base 40K']);
    expect(result.series[1].variant.rope).toMatchObject({ base: 40000, type: 'default', headDim: 8 });
    const own = result.series[0];
    expect(own.binned.edges[0]).toBe(1);
    expect(own.binned.edges.at(-1)).toBe(128);
    expect(own.binned.mean).toHaveLength(own.binned.edges.length - 1);
    expect(own.perPosition[0]).toBeNull(); // NaN (position 0 is never predicted) written as null
    expect(own.meanLoss).toBeGreaterThan(0);
    expect(own.meanLoss).not.toBe(result.series[1].meanLoss);
  });

  it('--variants adds one series per override, labelled, after the own RoPE', async () => {
    const result = JSON.parse(
      await probe(
        'perplexity',
        '--model',
        STORIES_GGUF,
        '--engine',
        'cpu',
        '--contexts',
        '64',
        '--max-windows',
        '2',
        '--text-file',
        TINYSTORIES_TEXT,
        '--rope-original-context',
        '512',
        '--variants',
        'base:40000,linear:4,yarn:4',
        '--json',
      ),
    );
    expect(result.series.map((s: { variant: { label: string } }) => s.variant.label)).toEqual(['own', 'base 40K', 'PI ×4', 'YaRN ×4']);
    expect(result.series[3].variant.rope).toMatchObject({ type: 'yarn', factor: 4, originalContext: 512, base: 10000 });
    expect(result.series[0].points[0]).toMatchObject({ ctx: 64, windows: 2, scored: 62 });
  });

  it('--kv-cache f16 makes the CPU reference round its cache to half: perplexity moves, by little', async () => {
    const ppl = async (kv: string) => {
      const result = JSON.parse(
        await probe(
          'perplexity',
          '--model',
          STORIES_GGUF,
          '--engine',
          'cpu',
          '--contexts',
          '64',
          '--max-windows',
          '2',
          '--text-file',
          TINYSTORIES_TEXT,
          '--kv-cache',
          kv,
          '--json',
        ),
      );
      return result.series[0].points[0].ppl as number;
    };
    const [f32, f16] = [await ppl('f32'), await ppl('f16')];
    expect(f16).not.toBe(f32);
    expect(Math.abs(f16 / f32 - 1)).toBeLessThan(1e-3);
  });

  it('passkey --json keeps every trial', async () => {
    const result = JSON.parse(
      await probe(
        'passkey',
        '--model',
        STORIES_GGUF,
        '--engine',
        'cpu',
        '--lengths',
        '160',
        '--depths',
        '0,1',
        '--trials',
        '1',
        '--seed',
        '3',
        '--max-tokens',
        '4',
        '--json',
      ),
    );
    expect(result.provenance).toMatchObject({
      probe: 'passkey',
      seed: 3,
      options: { lengths: [160], depths: [0, 1], trials: 1, maxTokens: 4 },
    });
    expect(result.series[0].accuracy).toHaveLength(1);
    expect(result.series[0].trials).toHaveLength(2);
    expect(result.series[0].trials[0].key).toBeGreaterThanOrEqual(10000);
  });

  it('--csv writes one row per trial', async () => {
    const csv = await probe(
      'passkey',
      '--model',
      STORIES_GGUF,
      '--engine',
      'cpu',
      '--lengths',
      '160',
      '--depths',
      '0.5',
      '--trials',
      '2',
      '--max-tokens',
      '2',
      '--csv',
    );
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('variant,length,depth,trial,key,prompt_tokens,recalled,correct,answer');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^own,160,0\.5,0,\d{5},\d+,/);
  });

  it('attention-distance renders a table per head', async () => {
    const text = await probe(
      'attention-distance',
      '--model',
      STORIES_GGUF,
      '--engine',
      'cpu',
      '--ctx',
      '64',
      '--text-file',
      TINYSTORIES_TEXT,
    );
    const lines = text.trim().split('\n');
    expect(lines[0]).toMatch(/rope\s+layer\s+head\s+mean distance\s+entropy\s+sink/);
    expect(lines).toHaveLength(1 + 5 * 8);
  });
});
