// A probe-facing Engine over the CPU reference (score, greedy generate, setRope), so the probe runners
// are tested end to end on stories260K without a GPU; plus the shared model and text paths.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GenerateOptions, GenerateResult, ScoreOptions, ScoreResult } from '../src/engine/types.ts';
import { ReferenceModel, argmax, loadReferenceWeights, logProb, type ReferenceWeights } from '../src/engine/reference.ts';
import { readGGUF } from '../src/gguf/index.ts';
import { fileSource } from '../src/gguf/source-node.ts';
import { computeRope } from '../src/rope/frequencies.ts';
import type { RopeConfig, RopeTable } from '../src/rope/config.ts';
import { createTokenizer, type Tokenizer } from '../src/tokenizer/index.ts';
import type { ProbeContext } from '../src/probes/run-context.ts';

const SHARED = fileURLToPath(new URL('../../shared/', import.meta.url));
export const STORIES = `${SHARED}models/stories260K.gguf`;
export const haveStories = existsSync(STORIES);
if (!haveStories) console.warn(`SKIPPING probe tests on stories260K: ${STORIES} not found`);

export function tinyStories(): string {
  return readFileSync(`${SHARED}texts/tinystories-sample-60k.txt`, 'utf8');
}

export async function loadStories(): Promise<{ weights: ReferenceWeights; tokenizer: Tokenizer }> {
  const file = await readGGUF(await fileSource(STORIES));
  return { weights: await loadReferenceWeights(file), tokenizer: createTokenizer(file.metadata) };
}

/** score/generate/setRope/cancel of the Engine interface, on the CPU reference. Inputs are ids only. */
export class ReferenceProbeEngine {
  rope: RopeTable;
  calls = { score: 0, generate: 0, setRope: [] as Array<RopeConfig | null> };
  private cancelled = false;

  constructor(private readonly weights: ReferenceWeights, private readonly tokenizer: Tokenizer) {
    this.rope = computeRope(weights.config.rope);
  }

  async setRope(override: RopeConfig | null): Promise<void> {
    this.calls.setRope.push(override);
    this.rope = computeRope(override ?? this.weights.config.rope);
  }

  cancel(): void {
    this.cancelled = true;
  }

  private model(context: number): ReferenceModel {
    const m = new ReferenceModel(this.weights, context);
    m.setRope(this.rope);
    return m;
  }

  async score(input: string | number[], options: ScoreOptions = {}): Promise<ScoreResult> {
    if (typeof input === 'string') throw new Error('the test engine scores ids only');
    this.calls.score++;
    this.cancelled = false;
    const m = this.model(input.length);
    const logprobs: number[] = [];
    for (let i = 0; i + 1 < input.length; i++) {
      await Promise.resolve(); // let an abort land between steps, as the GPU engine's awaits do
      if (this.cancelled) throw new Error('scoring was cancelled');
      logprobs.push(logProb(m.forward(input[i], i), input[i + 1]));
    }
    const first = options.firstScored ?? 0;
    const nll = -logprobs.slice(first).reduce((s, x) => s + x, 0);
    return { ids: input, logprobs, nll, scored: Math.max(0, logprobs.length - first) };
  }

  async generate(prompt: string | number[], options: GenerateOptions): Promise<GenerateResult> {
    if (typeof prompt === 'string') throw new Error('the test engine generates from ids only');
    this.calls.generate++;
    this.cancelled = false;
    const m = this.model(prompt.length + options.maxTokens);
    let logits: Float32Array = new Float32Array(0);
    for (let i = 0; i < prompt.length; i++) logits = m.forward(prompt[i], i);
    const tokens: number[] = [];
    let stoppedBy: GenerateResult['stoppedBy'] = 'maxTokens';
    while (tokens.length < options.maxTokens) {
      await Promise.resolve();
      if (this.cancelled) { stoppedBy = 'cancelled'; break; }
      const next = argmax(logits);
      if (this.tokenizer.isEndOfGeneration(next)) { stoppedBy = 'eos'; break; }
      tokens.push(next);
      logits = m.forward(next, prompt.length + tokens.length - 1);
    }
    return { tokens, text: this.tokenizer.decode(tokens), promptTokens: prompt.length, tokensPerSecond: 0, promptTokensPerSecond: 0, stoppedBy };
  }
}

export function referenceContext(weights: ReferenceWeights, tokenizer: Tokenizer, extra: Partial<ProbeContext> = {}): ProbeContext & { engine: ReferenceProbeEngine } {
  return {
    engine: new ReferenceProbeEngine(weights, tokenizer),
    tokenizer,
    model: { name: weights.config.name, trainedContext: weights.config.trainedContext, rope: weights.config.rope },
    ...extra,
  } as ProbeContext & { engine: ReferenceProbeEngine };
}
