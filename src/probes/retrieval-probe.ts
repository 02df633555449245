// Runners of the retrieval probes: passkey over context length × depth, and first-sentence retrieval
// over context length. Greedy generation; every trial is kept (prompt size, answer, verdict), so a
// heatmap cell's accuracy can be traced to the generations behind it.
import { firstSentencePrompt, passkeyPrompt, quotedAnswer, recalledNumber, type FirstSentencePrompt } from './prompts.ts';
import { makeProvenance, type ProbeText, type Provenance, type RopeVariant } from './provenance.ts';
import { mulberry32, randomInt } from './random.ts';
import { rougeL } from './rouge.ts';
import { forEachVariant, ProgressCounter, type ProbeContext } from './run-context.ts';

export interface PasskeyOptions {
  /** Prompt lengths in tokens (BOS included). */
  lengths: number[];
  /** Depths of the key line in [0, 1]. */
  depths: number[];
  trials: number;
  seed: number;
  variants: RopeVariant[];
  /** Tokens generated per answer (default 8: a 5-digit key and a little slack). */
  maxTokens?: number;
}

export interface PasskeyTrial {
  length: number;
  depth: number;
  trial: number;
  key: number;
  promptTokens: number;
  answer: string;
  recalled: number | null;
  correct: boolean;
}

export interface PasskeyResult {
  provenance: Provenance;
  series: Array<{
    variant: RopeVariant;
    /** accuracy[lengthIndex][depthIndex] in [0, 1]. */
    accuracy: number[][];
    trials: PasskeyTrial[];
  }>;
}

export async function runPasskey(ctx: ProbeContext, options: PasskeyOptions): Promise<PasskeyResult> {
  const { lengths, depths, trials, seed, variants, maxTokens = 8 } = options;
  checkGrid(lengths, trials);
  for (const d of depths) if (!(d >= 0 && d <= 1)) throw new RangeError(`depths must lie in [0, 1], got ${d}`);
  if (depths.length === 0) throw new RangeError('passkey needs at least one depth');
  // Keys drawn in a fixed order from the seed, so every variant answers the same prompts.
  const random = mulberry32(seed);
  const prompts = lengths.map((length) =>
    depths.map((depth) =>
      Array.from({ length: trials }, () => passkeyPrompt(ctx.tokenizer, randomInt(random, 10000, 99999), length, depth)),
    ),
  );
  const progress = new ProgressCounter(ctx, 'passkey', variants.length * lengths.length * depths.length * trials);

  const series = await forEachVariant(ctx, variants, async (variant) => {
    const records: PasskeyTrial[] = [];
    const correctCount = lengths.map(() => depths.map(() => 0));
    for (const [li, length] of lengths.entries()) {
      for (const [di, depth] of depths.entries()) {
        for (let trial = 0; trial < trials; trial++) {
          const prompt = prompts[li][di][trial];
          const label = `${variant.label} · ${length} tokens · depth ${depth} · trial ${trial + 1}`;
          progress.start(label);
          const out = await ctx.engine.generate(prompt.ids, { maxTokens, temperature: 0, addBos: false });
          if (out.stoppedBy === 'cancelled') cancelled(ctx);
          const recalled = recalledNumber(out.text);
          const correct = recalled === prompt.key;
          if (correct) correctCount[li][di]++;
          records.push({ length, depth, trial, key: prompt.key, promptTokens: prompt.ids.length, answer: out.text, recalled, correct });
          progress.finish(label);
        }
      }
    }
    return { variant, accuracy: correctCount.map((row) => row.map((c) => c / trials)), trials: records };
  });
  return { provenance: await makeProvenance(ctx, 'passkey', [], [], seed, { lengths, depths, trials, maxTokens, variants }), series };
}

export interface FirstSentenceOptions {
  /** Documents to draw from: each trial takes the next one long enough, in a seeded order. */
  texts: ProbeText[];
  lengths: number[];
  trials: number;
  seed: number;
  variants: RopeVariant[];
  /** Tokens generated beyond the reference sentence's own length (default 16). */
  extraTokens?: number;
}

export interface FirstSentenceTrial {
  length: number;
  trial: number;
  textId: string;
  promptTokens: number;
  reference: string;
  answer: string;
  rougeL: number;
}

export interface FirstSentenceResult {
  provenance: Provenance;
  series: Array<{
    variant: RopeVariant;
    /** Mean ROUGE-L F1 per length. */
    meanRougeL: number[];
    trials: FirstSentenceTrial[];
  }>;
}

export async function runFirstSentence(ctx: ProbeContext, options: FirstSentenceOptions): Promise<FirstSentenceResult> {
  const { texts, lengths, trials, seed, variants, extraTokens = 16 } = options;
  checkGrid(lengths, trials);
  if (texts.length === 0) throw new RangeError('first-sentence retrieval needs at least one text');
  const order = seededShuffle(
    texts.map((_, i) => i),
    seed,
  );
  const prompts = lengths.map((length) => pickDocuments(ctx, texts, order, length, trials));
  const progress = new ProgressCounter(ctx, 'first-sentence', variants.length * lengths.length * trials);

  const series = await forEachVariant(ctx, variants, async (variant) => {
    const records: FirstSentenceTrial[] = [];
    const rougeSum = lengths.map(() => 0);
    for (const [li, length] of lengths.entries()) {
      for (let trial = 0; trial < trials; trial++) {
        const { text, prompt } = prompts[li][trial];
        const label = `${variant.label} · ${length} tokens · trial ${trial + 1}`;
        progress.start(label);
        const maxTokens = ctx.tokenizer.encode(prompt.answer, { addBos: false }).length + extraTokens;
        const out = await ctx.engine.generate(prompt.ids, { maxTokens, temperature: 0, addBos: false });
        if (out.stoppedBy === 'cancelled') cancelled(ctx);
        const answer = quotedAnswer(out.text);
        const score = rougeL(answer, prompt.answer).f1;
        rougeSum[li] += score;
        records.push({ length, trial, textId: text.id, promptTokens: prompt.ids.length, reference: prompt.answer, answer, rougeL: score });
        progress.finish(label);
      }
    }
    return { variant, meanRougeL: rougeSum.map((sum) => sum / trials), trials: records };
  });
  const used = [...new Set(prompts.flat().map((p) => p.text))];
  return {
    provenance: await makeProvenance(
      ctx,
      'first-sentence',
      used,
      used.map((t) => ctx.tokenizer.encode(t.text).length),
      seed,
      { lengths, trials, extraTokens, variants },
    ),
    series,
  };
}

/**
 * `trials` prompts of `length` tokens from the documents in seeded order, skipping documents too short
 * for the length (each tokenized once, only as far as the search goes) and cycling when fewer qualify.
 */
function pickDocuments(ctx: ProbeContext, texts: ProbeText[], order: number[], length: number, trials: number) {
  const picked: Array<{ text: ProbeText; prompt: FirstSentencePrompt }> = [];
  for (const i of order) {
    if (picked.length === trials) break;
    try {
      picked.push({ text: texts[i], prompt: firstSentencePrompt(ctx.tokenizer, texts[i].text, length) });
    } catch (err) {
      if (!(err instanceof RangeError)) throw err; // too short for this length: try the next document
    }
  }
  if (picked.length === 0) throw new RangeError(`no text is long enough for a first-sentence prompt of ${length} tokens`);
  for (let i = picked.length; i < trials; i++) picked.push(picked[i % picked.length]);
  return picked;
}

/** A cut-short generation is no answer: never record it as the model's failure. */
function cancelled(ctx: ProbeContext): never {
  ctx.signal?.throwIfAborted();
  throw new Error('the generation was cancelled');
}

function checkGrid(lengths: number[], trials: number): void {
  if (lengths.length === 0) throw new RangeError('a retrieval probe needs at least one length');
  for (const l of lengths) if (!Number.isInteger(l) || l < 1) throw new RangeError(`lengths must be positive integers, got ${l}`);
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`trials must be a positive integer, got ${trials}`);
}

/** Fisher–Yates with mulberry32(seed). */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const random = mulberry32(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(random, 0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
