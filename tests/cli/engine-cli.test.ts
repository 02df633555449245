// `lab generate` and `lab ppl` end to end (a child process on Dawn/SwiftShader), against the numpy
// greedy reference and the CPU reference's perplexity.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { perplexity } from '../../src/engine/perplexity.ts';
import { loadReferenceWeights } from '../../src/engine/reference.ts';
import { createTokenizer } from '../../src/tokenizer/index.ts';
import { greedyReference, openStories, referenceChunkScorer } from '../helpers/engine-helpers.ts';
import { requireTestFiles, sharedModel, STORIES_GGUF, STORIES_GREEDY_REF, TINYSTORIES_TEXT } from '../helpers/shared.ts';
import { runLabCli } from '../helpers/cli-runners.ts';

const haveModels = requireTestFiles(
  'lab generate / lab ppl',
  STORIES_GGUF,
  sharedModel('stories260K-Q8_0.gguf'),
  STORIES_GREEDY_REF,
  TINYSTORIES_TEXT,
);

describe.skipIf(!haveModels)('lab generate / lab ppl', () => {
  it('generate --temperature 0 from an empty prompt gives the reference greedy ids', () => {
    const r = runLabCli(
      'generate',
      '--model',
      sharedModel('stories260K-Q8_0.gguf'),
      '--prompt',
      '',
      '--temperature',
      '0',
      '--max-tokens',
      '12',
      '--json',
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { tokens: number[]; text: string; tokensPerSecond: number };
    expect(out.tokens).toEqual(greedyReference().greedy_ids.slice(0, 12));
    expect(out.text.startsWith('Once upon a time')).toBe(true);
    expect(out.tokensPerSecond).toBeGreaterThan(0);
  });

  it('generate after a prompt keeps the space that separates the continuation from it', () => {
    const r = runLabCli(
      'generate',
      '--model',
      STORIES_GGUF,
      '--prompt',
      'Once upon a',
      '--temperature',
      '0',
      '--max-tokens',
      '2',
      '--json',
    );
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { text: string }).text).toMatch(/^ time/);
  });

  it('generate with a seed is reproducible and differs across seeds', () => {
    const run = (seed: string) =>
      JSON.parse(
        runLabCli(
          'generate',
          '--model',
          STORIES_GGUF,
          '--prompt',
          'Once',
          '--temperature',
          '1',
          '--top-k',
          '40',
          '--top-p',
          '0.95',
          '--seed',
          seed,
          '--max-tokens',
          '16',
          '--json',
        ).stdout,
      ).tokens as number[];
    const a = run('1');
    expect(run('1')).toEqual(a);
    expect(run('2')).not.toEqual(a);
  });

  it('ppl --ctx 64 --max-chunks 2 equals the CPU reference perplexity to 2e-6 relative', async () => {
    const r = runLabCli('ppl', '--model', STORIES_GGUF, '--text-file', TINYSTORIES_TEXT, '--ctx', '64', '--max-chunks', '2', '--json');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { perplexity: number; chunks: number; tokens: number };
    const file = await openStories('stories260K.gguf');
    const tokenizer = createTokenizer(file.metadata);
    const tokens = tokenizer.encode(readFileSync(TINYSTORIES_TEXT, 'utf8')).slice(0, 128);
    const weights = await loadReferenceWeights(file);
    const cpu = await perplexity(tokens, 64, tokenizer.bos, referenceChunkScorer(weights, 64));
    expect(out.chunks).toBe(2);
    expect(Math.abs(out.perplexity - cpu.perplexity) / cpu.perplexity).toBeLessThanOrEqual(2e-6);
  });

  it('ppl reads --text-file as llama-perplexity -f does: one trailing newline dropped', async () => {
    // A text of 3·64 − 1 tokens (BOS included) that the newline brings to 3·64: llama-perplexity drops the
    // newline and scores ⌊191 / 64⌋ = 2 chunks; keeping it would score 3.
    const tokenizer = createTokenizer((await openStories('stories260K.gguf')).metadata);
    const sample = readFileSync(TINYSTORIES_TEXT, 'utf8');
    let text: string | undefined;
    for (let end = 1; end < 4000 && !text; end++) {
      const prefix = sample.slice(0, end);
      if (tokenizer.encode(prefix).length === 191 && tokenizer.encode(prefix + '\n').length === 192) text = prefix + '\n';
    }
    if (!text) throw new Error('no prefix of the sample has 191 tokens and 192 with a newline');
    const path = join(mkdtempSync(join(tmpdir(), 'lab-ppl-')), 'text.txt');
    writeFileSync(path, text);
    const r = runLabCli('ppl', '--model', STORIES_GGUF, '--text-file', path, '--ctx', '64', '--json');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { chunks: number; tokens: number };
    expect([out.tokens, out.chunks]).toEqual([191, 2]);
  });

  it('bad options exit 2 with one line naming the problem', () => {
    for (const [args, message] of [
      [['ppl', '--model', STORIES_GGUF, '--text-file', TINYSTORIES_TEXT, '--rope-scaling', 'cubic'], '--rope-scaling'],
      [['ppl', '--model', STORIES_GGUF], '--text-file'],
      [['generate', '--model', STORIES_GGUF, '--temperature', 'hot'], '--temperature'],
      [['generate', '--model', '/no/such.gguf'], '--model'],
      [['generate', '--model', STORIES_GGUF, '--kv-cache', 'q8_0'], '--kv-cache must be f32 or f16'],
    ] as const) {
      const r = runLabCli(...args);
      expect(r.status).toBe(2);
      const lines = r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('lab:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(message);
    }
  });
});
