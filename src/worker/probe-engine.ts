// The worker's engine: the WebGPU engine plus the probe runner (ProbeRunner), so the page can drive a
// probe with one comlink call while every forward pass stays in the worker. It remembers the source
// of the loaded model so that a probe longer than the KV cache can reload the model with a larger one
// (the page loads with the trained context; stories260K's 512 would stop a 2,048-token probe).
import { findText } from '../data/texts.ts';
import type { LoadOptions, LoadProgress, ModelInfo, ModelSource } from '../engine/types.ts';
import { WebGpuEngine } from '../engine/webgpu-engine.ts';
import { hasProbeHooks, runProbeRequest, type ProbeContext, type ProbeProgress, type ProbeRequest, type ProbeResult } from '../probes/index.ts';
import { contextNeeded, type ProbeInputs, type ProbeRunner } from './probe-protocol.ts';

export class ProbingEngine extends WebGpuEngine implements ProbeRunner {
  #source: ModelSource | null = null;
  #options: LoadOptions = {};
  #running: AbortController | null = null;

  override async load(source: ModelSource, onProgress?: (p: LoadProgress) => void, options: LoadOptions = {}): Promise<ModelInfo> {
    this.#source = null;
    const info = await super.load(source, onProgress, options);
    this.#source = source;
    this.#options = options;
    return info;
  }

  async runProbe(request: ProbeRequest, inputs: ProbeInputs, onProgress?: (progress: ProbeProgress) => void): Promise<ProbeResult> {
    if (this.#running) throw new Error('a probe is already running; cancel it first');
    const abort = new AbortController();
    this.#running = abort;
    try {
      const info = await this.#withContext(contextNeeded(request));
      const ctx: ProbeContext = {
        engine: this,
        hooks: hasProbeHooks(this) ? this : undefined,
        tokenizer: this.tokenizer(),
        model: { name: info.name, source: inputs.modelSource, trainedContext: info.trainedContext, rope: info.rope },
        signal: abort.signal,
        onProgress,
      };
      return await runProbeRequest(ctx, request, (id) => loadText(id, inputs));
    } finally {
      this.#running = null;
    }
  }

  cancelProbe(): void {
    this.#running?.abort();
  }

  /** The loaded model's info, after reloading it with a KV cache of at least `needed` positions if need be. */
  async #withContext(needed: number): Promise<ModelInfo> {
    const info = await this.info();
    if (!info) throw new Error('no model is loaded');
    if (info.context >= needed) return info;
    if (!this.#source) throw new Error(`the probe needs ${needed} positions and the KV cache holds ${info.context}; load the model again`);
    return this.load(this.#source, undefined, { ...this.#options, context: needed });
  }
}

async function loadText(id: string, inputs: ProbeInputs): Promise<string> {
  if (id === 'user') {
    if (!inputs.userText) throw new Error("the probe reads your own text ('user'), but none was given");
    return inputs.userText;
  }
  // The catalog of ~12 MB of text is split into lazy chunks; only the chosen documents are fetched.
  const { viteBuiltinTexts } = await import('../data/texts-vite.ts');
  return findText(viteBuiltinTexts(), id).load();
}
