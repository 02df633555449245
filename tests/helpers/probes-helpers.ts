// Shared setup of the probe tests: stories260K and the TinyStories sample from ../shared, and the CPU
// reference engine with a log of the calls the runners make.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GenerateResult, ScoreResult } from '../../src/engine/types.ts';
import { loadReferenceWeights, type ReferenceWeights } from '../../src/engine/reference.ts';
import { readGGUF } from '../../src/gguf/index.ts';
import { fileSource } from '../../src/gguf/source-node.ts';
import type { RopeConfig } from '../../src/rope/config.ts';
import { createTokenizer, type Tokenizer } from '../../src/tokenizer/index.ts';
import type { ProbeContext } from '../../src/probes/run-context.ts';
import { ReferenceProbeEngine } from '../../src/probes/reference-engine.ts';

const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
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

/** The reference engine with a log of the calls the runners make. */
export class CountingReferenceEngine extends ReferenceProbeEngine {
  calls = { score: 0, generate: 0, setRope: [] as Array<RopeConfig | null> };

  override async setRope(override: RopeConfig | null): Promise<void> {
    this.calls.setRope.push(override);
    return super.setRope(override);
  }

  override score(...args: Parameters<ReferenceProbeEngine['score']>): Promise<ScoreResult> {
    this.calls.score++;
    return super.score(...args);
  }

  override generate(...args: Parameters<ReferenceProbeEngine['generate']>): Promise<GenerateResult> {
    this.calls.generate++;
    return super.generate(...args);
  }
}

export function referenceContext(weights: ReferenceWeights, tokenizer: Tokenizer, extra: Partial<ProbeContext> = {}): ProbeContext & { engine: CountingReferenceEngine } {
  const engine = new CountingReferenceEngine(weights, tokenizer);
  return {
    engine,
    hooks: engine,
    tokenizer,
    model: { name: weights.config.name, trainedContext: weights.config.trainedContext, rope: weights.config.rope },
    ...extra,
  } as ProbeContext & { engine: CountingReferenceEngine };
}
