// Setup of the probe tests: stories260K and the TinyStories sample (paths and gate in shared.ts), and the CPU
// reference engine with a log of the calls the runners make.
import { readFileSync } from 'node:fs';
import type { GenerateResult, ScoreResult } from '../../src/engine/types.ts';
import { loadReferenceWeights, type ReferenceWeights } from '../../src/engine/reference.ts';
import { readGGUF } from '../../src/gguf/index.ts';
import { fileSource } from '../../src/gguf/source-node.ts';
import type { RopeConfig } from '../../src/rope/config.ts';
import { createTokenizer, type Tokenizer } from '../../src/tokenizer/index.ts';
import type { ProbeContext } from '../../src/probes/run-context.ts';
import { ReferenceProbeEngine } from '../../src/probes/reference-engine.ts';

import { STORIES_GGUF, TINYSTORIES_TEXT } from './shared.ts';

export function tinyStories(): string {
  return readFileSync(TINYSTORIES_TEXT, 'utf8');
}

export async function loadStories(): Promise<{ weights: ReferenceWeights; tokenizer: Tokenizer }> {
  const file = await readGGUF(await fileSource(STORIES_GGUF));
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

export function referenceContext(
  weights: ReferenceWeights,
  tokenizer: Tokenizer,
  extra: Partial<ProbeContext> = {},
): ProbeContext & { engine: CountingReferenceEngine } {
  const engine = new CountingReferenceEngine(weights, tokenizer);
  return {
    engine,
    hooks: engine,
    tokenizer,
    model: { name: weights.config.name, trainedContext: weights.config.trainedContext, rope: weights.config.rope },
    ...extra,
  } as ProbeContext & { engine: CountingReferenceEngine };
}
