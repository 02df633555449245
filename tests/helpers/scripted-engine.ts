// An in-process Engine with no model behind it, for tests of what drives an engine (the model and
// playground slices, the worker client). It records what it was asked, fails on request, and
// generates one token per short timer step, honouring cancel() between steps like the GPU engine.
import type { Engine, GenerateOptions, GeneratedToken, LoadProgress, ModelInfo, ModelSource } from '../../src/engine/types.ts';

export const SCRIPTED_MODEL_INFO = { architecture: 'llama', name: 'tiny' } as ModelInfo;
/** The one progress report each load() sends before it finishes. */
export const SCRIPTED_LOAD_PROGRESS: LoadProgress = { phase: 'weights', loadedBytes: 4, totalBytes: 8, tensor: 'blk.0.attn_q.weight' };
/** Default token texts: token i is 'b' for even i, 'a' for odd, so 3 tokens read "bab". */
export const alternatingTokenText = (index: number): string => 'ab'[(index + 1) % 2];

export class ScriptedEngine implements Engine {
  /** Every source load() was called with, failed loads included. */
  sources: ModelSource[] = [];
  /** What load() and info() return. */
  loads: ModelInfo = SCRIPTED_MODEL_INFO;
  loadError: Error | null = null;
  generateError: Error | null = null;
  /** Every generate() call, failed ones included. */
  generated: { prompt: string | number[]; options: GenerateOptions }[] = [];
  private loaded = false;
  private cancelled = false;

  constructor(
    private readonly tokenText: (index: number) => string = alternatingTokenText,
    private readonly stepMs = 1,
  ) {}

  async load(source: ModelSource, onProgress?: (p: LoadProgress) => void) {
    this.sources.push(source);
    // awaited: across a worker boundary the callback is a proxy that answers with a promise
    await onProgress?.(SCRIPTED_LOAD_PROGRESS);
    if (this.loadError) throw this.loadError;
    this.loaded = true;
    return this.loads;
  }

  async info() {
    return this.loaded ? this.loads : null;
  }

  async generate(prompt: string | number[], options: GenerateOptions, onToken?: (t: GeneratedToken) => void) {
    this.generated.push({ prompt, options });
    if (this.generateError) throw this.generateError;
    this.cancelled = false;
    const tokens: number[] = [];
    while (tokens.length < options.maxTokens && !this.cancelled) {
      await new Promise((resolve) => setTimeout(resolve, this.stepMs));
      const index = tokens.push(tokens.length) - 1;
      onToken?.({ id: index, text: this.tokenText(index), index });
    }
    return {
      tokens,
      text: tokens.map(this.tokenText).join(''),
      promptTokens: 3,
      tokensPerSecond: 10,
      promptTokensPerSecond: 30,
      stoppedBy: this.cancelled ? ('cancelled' as const) : ('maxTokens' as const),
    };
  }

  async score(): Promise<never> {
    throw new Error('ScriptedEngine does not score');
  }

  async setRope() {}

  cancel() {
    this.cancelled = true;
  }

  async unload() {
    this.loaded = false;
  }
}
