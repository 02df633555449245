// The probes' view of the CPU reference: score, greedy generate and setRope of the Engine interface, and
// the ProbeHooks through the traced forward pass. It runs every probe without a GPU — the CLI's
// `--engine cpu` for small models, and the oracle the GPU engine's results are compared with. Each call
// runs its ids from position 0 (no cache kept between calls); inputs are token ids, as the runners pass.
import type { GenerateOptions, GenerateResult, ScoreOptions, ScoreResult } from '../engine/types.ts';
import { ReferenceModel, argmax, logProb, type ReferenceOptions, type ReferenceWeights } from '../engine/reference.ts';
import type { RopeConfig, RopeTable } from '../rope/config.ts';
import { computeRope, ropeForLength } from '../rope/frequencies.ts';
import type { AttentionStats } from './attention-stats.ts';
import type { AttentionStatsOptions, ProbeHooks } from '../engine/probe-hooks.ts';
import type { QkPairNorms } from './qk-norms.ts';
import { traceReference, type ReferenceTrace } from './reference-trace.ts';

export interface EndOfGeneration {
  isEndOfGeneration(id: number): boolean;
  decode(ids: readonly number[], options?: { continuing?: boolean }): string;
  readonly bos: number | null;
}

export class ReferenceProbeEngine implements ProbeHooks {
  private rope: RopeTable;
  private ropeConfig: RopeConfig;
  /** For a length-dependent RoPE, the length `rope` was made for. */
  private ropeLength: number | null = null;
  private cancelled = false;
  private lastTrace: { rope: RopeTable; ids: string; edges: string; trace: ReferenceTrace } | null = null;

  /** `modelOptions.kvCache` 'f16' emulates the GPU's f16 KV cache (the oracle of an engine loaded with it). */
  constructor(
    private readonly weights: ReferenceWeights,
    private readonly tokenizer: EndOfGeneration,
    private readonly modelOptions: ReferenceOptions = {},
  ) {
    this.ropeConfig = weights.config.rope;
    this.rope = computeRope(this.ropeConfig);
  }

  async setRope(override: RopeConfig | null): Promise<void> {
    this.ropeConfig = override ?? this.weights.config.rope;
    this.rope = computeRope(this.ropeConfig);
    this.ropeLength = null;
  }

  /** As the GPU engine: a length-dependent RoPE (dynamic NTK, LongRoPE) takes the table for the length processed. */
  private ropeFor(length: number): void {
    const forLength = ropeForLength(this.ropeConfig, length);
    if (forLength === this.ropeConfig || this.ropeLength === length) return;
    this.rope = computeRope(forLength);
    this.ropeLength = length;
  }

  cancel(): void {
    this.cancelled = true;
  }

  async score(input: string | number[], options: ScoreOptions = {}): Promise<ScoreResult> {
    const ids = idsOnly(input);
    this.cancelled = false;
    this.ropeFor(ids.length);
    const model = this.model(ids.length);
    const logprobs: number[] = [];
    for (let i = 0; i + 1 < ids.length; i++) {
      await this.yieldToAbort(i);
      if (this.cancelled) throw new Error('scoring was cancelled');
      logprobs.push(logProb(model.forward(ids[i], i), ids[i + 1]));
    }
    const first = options.firstScored ?? 0;
    let nll = 0;
    for (let i = first; i < logprobs.length; i++) nll -= logprobs[i];
    return { ids, logprobs, nll, scored: Math.max(0, logprobs.length - first) };
  }

  /** Greedy decoding only: the probes never sample. */
  async generate(prompt: string | number[], options: GenerateOptions): Promise<GenerateResult> {
    const ids = idsOnly(prompt);
    if ((options.temperature ?? 0) > 0) throw new Error('the CPU reference engine decodes greedily only (temperature 0)');
    if (ids.length === 0) throw new Error('the CPU reference engine needs a non-empty prompt');
    this.cancelled = false;
    const started = performance.now();
    this.ropeFor(ids.length + options.maxTokens);
    const model = this.model(ids.length + options.maxTokens);
    let logits: Float32Array = new Float32Array(0);
    for (let i = 0; i < ids.length; i++) logits = model.forward(ids[i], i);
    const promptSeconds = (performance.now() - started) / 1000;
    const tokens: number[] = [];
    let stoppedBy: GenerateResult['stoppedBy'] = 'maxTokens';
    while (tokens.length < options.maxTokens) {
      await this.yieldToAbort(0);
      if (this.cancelled) {
        stoppedBy = 'cancelled';
        break;
      }
      const next = argmax(logits);
      if ((options.stopAtEos ?? true) && this.tokenizer.isEndOfGeneration(next)) {
        stoppedBy = 'eos';
        break;
      }
      tokens.push(next);
      logits = model.forward(next, ids.length + tokens.length - 1);
    }
    const decodeSeconds = (performance.now() - started) / 1000 - promptSeconds;
    return {
      // as the GPU engine: after a prompt with text, the first token's leading space separates it from the prompt
      tokens,
      text: this.tokenizer.decode(tokens, { continuing: ids.length > (ids[0] === this.tokenizer.bos ? 1 : 0) }),
      promptTokens: ids.length,
      stoppedBy,
      tokensPerSecond: tokens.length / Math.max(decodeSeconds, 1e-9),
      promptTokensPerSecond: ids.length / Math.max(promptSeconds, 1e-9),
    };
  }

  async attentionStats(ids: number[], options: AttentionStatsOptions = {}): Promise<AttentionStats> {
    this.ropeFor(ids.length);
    return this.trace(ids, options.queryBinEdges, false).stats;
  }

  async attentionMap(ids: number[], layer: number, head: number): Promise<Float32Array> {
    this.ropeFor(ids.length);
    return traceReference(this.weights, this.rope, ids, { ...this.modelOptions, mapOf: { layer, head } }).map!;
  }

  async qkPairNorms(ids: number[]): Promise<QkPairNorms> {
    this.ropeFor(ids.length);
    return this.trace(ids, undefined, true).qkNorms;
  }

  /**
   * One traced pass serves the stats and the q/k norms of the same ids under the same RoPE (the attention
   * runner asks for both in a row); norms do not depend on the query bins, so any cached pass serves them.
   */
  private trace(ids: number[], queryBinEdges: number[] | undefined, anyBins: boolean): ReferenceTrace {
    const cached = this.lastTrace;
    const idsKey = ids.join(',');
    const edgesKey = queryBinEdges?.join(',') ?? 'default';
    if (cached && cached.rope === this.rope && cached.ids === idsKey && (cached.edges === edgesKey || anyBins)) return cached.trace;
    const trace = traceReference(this.weights, this.rope, ids, { ...this.modelOptions, queryBinEdges });
    this.lastTrace = { rope: this.rope, ids: idsKey, edges: edgesKey, trace };
    return trace;
  }

  private model(context: number): ReferenceModel {
    const model = new ReferenceModel(this.weights, context, this.modelOptions);
    model.setRope(this.rope);
    return model;
  }

  /**
   * A macrotask break every 32 steps, so an abort (engine.cancel from a signal listener) lands between
   * steps without a timer's ~1 ms per token.
   */
  private async yieldToAbort(step: number): Promise<void> {
    if (step % 32 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

function idsOnly(input: string | number[]): number[] {
  if (typeof input === 'string') throw new Error('the CPU reference engine takes token ids (the probe runners tokenize)');
  return input;
}
