// The retrieval prompts, sized to a token budget with the model's own tokenizer.
//
// Passkey: the landmark-attention prompt (Mohtashami & Jaggi 2023, epfml/landmark-attention
// llama/run_test.py; reused verbatim by Llama 2 Long, Fig. 3): the task description, the filler repeated
// x times, the pass-key line, the filler y times, the question — lines joined by "\n" as run_test.py does.
// We repeat whole filler blocks (run_test.py cuts the filler mid-sentence by characters) so that "depth"
// is exact: x = round(depth · (x + y)). The key is a seeded random 5-digit number (the paper's Fig. 3).
//
// First sentence: Llama 2 Long's FIRST-SENTENCE-RETRIEVAL asks a model to return the first sentence of a
// long input; the paper prints no prompt, so ours is a completion a base model can follow: the document's
// opening tokens, then a question and an opened quotation mark the answer continues.
import type { ProbeTokenizer } from './tokenizer.ts';

export const PASSKEY_TASK =
  'There is an important info hidden inside a lot of irrelevant text. Find it and memorize them. I will quiz you about the important information there.';
export const PASSKEY_FILLER = 'The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again.';
export const PASSKEY_QUESTION = 'What is the pass key? The pass key is';
export const passkeyLine = (key: number) => `The pass key is ${key}. Remember it. ${key} is the pass key.`;

export interface PasskeyPrompt {
  text: string;
  /** Prompt ids, BOS included when the model adds one. */
  ids: number[];
  key: number;
  /** Filler blocks before and after the key line. */
  before: number;
  after: number;
}

/** The passkey prompt text for x filler blocks before the key and y after. */
export function passkeyText(key: number, before: number, after: number): string {
  const filler = (n: number) => Array<string>(n).fill(PASSKEY_FILLER).join(' ');
  return [PASSKEY_TASK, filler(before), passkeyLine(key), filler(after), PASSKEY_QUESTION].join('\n');
}

/**
 * The longest passkey prompt of at most `targetTokens` tokens (BOS counted) with the key line at `depth`
 * (0 = right after the task, 1 = right before the question). Its length lands within one filler block
 * (about 25 tokens on Llama vocabularies) below the target.
 */
export function passkeyPrompt(tokenizer: ProbeTokenizer, key: number, targetTokens: number, depth: number): PasskeyPrompt {
  if (!(depth >= 0 && depth <= 1)) throw new RangeError(`depth must be in [0, 1], got ${depth}`);
  const build = (blocks: number): PasskeyPrompt => {
    const before = Math.round(depth * blocks);
    const text = passkeyText(key, before, blocks - before);
    return { text, ids: tokenizer.encode(text), key, before, after: blocks - before };
  };
  const bare = build(0);
  if (bare.ids.length > targetTokens)
    throw new RangeError(`a passkey prompt needs at least ${bare.ids.length} tokens, the target is ${targetTokens}`);
  const perBlock = Math.max(1, (build(8).ids.length - bare.ids.length) / 8);
  let blocks = Math.floor((targetTokens - bare.ids.length) / perBlock);
  let prompt = build(blocks);
  // Tokenization is nearly additive in blocks; walk the last few blocks exactly.
  while (prompt.ids.length > targetTokens && blocks > 0) prompt = build(--blocks);
  for (;;) {
    const next = build(blocks + 1);
    if (next.ids.length > targetTokens) return prompt;
    prompt = next;
    blocks++;
  }
}

/** The number the model answered with: the first run of digits in its continuation, or null. */
export function recalledNumber(continuation: string): number | null {
  const match = /\d+/.exec(continuation);
  return match ? Number(match[0]) : null;
}

export const FIRST_SENTENCE_QUESTION =
  '\n\nQuestion: What is the first sentence of the text above?\nAnswer: The first sentence of the text above is "';

// Periods that do not end a sentence: titles ("Mr. Speaker" opens many State of the Union addresses),
// initials ("Harry S. Truman") and dotted abbreviations ("U.S.").
const NOT_A_SENTENCE_END =
  /(?:^|[\s("'“‘])(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Gov|Sen|Rep|Hon|Prof|Rev|Col|Capt|Lt|No|vs|etc|[A-Z]|(?:[A-Za-z]\.)+[A-Za-z])\.$/;

/**
 * The first sentence of a text: up to the first '.', '!' or '?' (and closing quotes or brackets) that is
 * followed by whitespace or the end and is not an abbreviation's period; whitespace runs become one space.
 */
export function firstSentence(text: string): string {
  const trimmed = text.trimStart();
  const ends = /[.!?]["'”’)]*(?=\s|$)/g;
  for (let m = ends.exec(trimmed); m; m = ends.exec(trimmed)) {
    const upTo = trimmed.slice(0, m.index + m[0].length);
    if (m[0] === '.' && NOT_A_SENTENCE_END.test(upTo)) continue;
    return upTo.replace(/\s+/g, ' ').trim();
  }
  return trimmed.replace(/\s+/g, ' ').trim();
}

export interface FirstSentencePrompt {
  ids: number[];
  /** The first sentence of the document (the reference answer). */
  answer: string;
  /** Document tokens kept in the prompt. */
  documentTokens: number;
}

/**
 * The document's first tokens, cut so that with the question the prompt holds at most `targetTokens`,
 * then the question. The ids are concatenated (document ids, then the question's ids without BOS), so the
 * document is tokenized exactly as the model sees it.
 */
export function firstSentencePrompt(tokenizer: ProbeTokenizer, document: string, targetTokens: number): FirstSentencePrompt {
  const answer = firstSentence(document);
  const question = tokenizer.encode(FIRST_SENTENCE_QUESTION, { addBos: false });
  const doc = tokenizer.encode(document);
  const keep = targetTokens - question.length;
  const bosTokens = doc.length > 0 && doc[0] === tokenizer.bos ? 1 : 0;
  const answerTokens = tokenizer.encode(answer, { addBos: false }).length;
  if (keep < bosTokens + answerTokens)
    throw new RangeError(
      `a first-sentence prompt of ${targetTokens} tokens cannot hold the first sentence (${answerTokens} tokens) and the question (${question.length})`,
    );
  if (doc.length < keep) throw new RangeError(`the document has ${doc.length} tokens, the prompt needs ${keep}`);
  return { ids: [...doc.slice(0, keep), ...question], answer, documentTokens: keep - bosTokens };
}

/** The answer inside a continuation: up to the closing quotation mark or the first line break. */
export function quotedAnswer(continuation: string): string {
  const end = continuation.search(/["”\n]/);
  return (end < 0 ? continuation : continuation.slice(0, end)).trim();
}
