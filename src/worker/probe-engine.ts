// The worker's engine: the WebGPU engine plus the probe runner (ProbeRunner), so the page can drive a
// probe with one comlink call while every forward pass stays in the worker. It remembers the source
// of the page's model (the "home" model) so that a probe longer than the KV cache can reload it with a
// larger one (the page loads with the trained context; stories260K's 512 would stop a 2,048-token
// probe), and so that a probe whose variants run on other models (`model: 'builtin:<name>'`, fetched
// from the page's origin, one at a time) can put the page's model back when it ends.
import { findProbeText } from '../data/split.ts';
import type { LoadOptions, LoadProgress, ModelInfo, ModelSource } from '../engine/types.ts';
import { WebGpuEngine, type EngineHost } from '../engine/webgpu-engine.ts';
import { builtinModelUrl, builtinRef, findBuiltinModel, parseBuiltinRef, type BuiltinModel } from '../models/builtin.ts';
import { webBuiltinCatalog, type BuiltinCatalog } from '../models/manifest-web.ts';
import { vocabularyKey } from '../models/vocabulary.ts';
import {
  hasProbeHooks,
  modelSwitcher,
  runProbeRequest,
  type LoadedModel,
  type ModelLabel,
  type ProbeContext,
  type ProbeProgress,
  type ProbeRequest,
  type ProbeResult,
} from '../probes/index.ts';
import { contextNeeded, type ProbeInputs, type ProbeRunner } from './probe-protocol.ts';

export class ProbingEngine extends WebGpuEngine implements ProbeRunner {
  #home: { source: ModelSource; options: LoadOptions } | null = null;
  #running: AbortController | null = null;

  constructor(
    host: EngineHost,
    private readonly builtins: BuiltinCatalog = webBuiltinCatalog(),
  ) {
    super(host);
  }

  override async load(source: ModelSource, onProgress?: (p: LoadProgress) => void, options: LoadOptions = {}): Promise<ModelInfo> {
    this.#home = null;
    const info = await super.load(source, onProgress, options);
    this.#home = { source, options };
    return info;
  }

  async runProbe(request: ProbeRequest, inputs: ProbeInputs, onProgress?: (progress: ProbeProgress) => void): Promise<ProbeResult> {
    if (this.#running) throw new Error('a probe is already running; cancel it first');
    const abort = new AbortController();
    this.#running = abort;
    const needed = contextNeeded(request);
    let last: ProbeProgress = { probe: request.probe, done: 0, total: 0, label: '' };
    const report = (progress: ProbeProgress) => {
      last = progress;
      onProgress?.(progress);
    };
    let switcher: ReturnType<typeof modelSwitcher> | null = null;
    try {
      const homeInfo = await this.info();
      // A context the page's model cannot be reloaded with is refused before anything is unloaded.
      if (homeInfo && homeInfo.context < needed && request.variants.some((v) => v.model === undefined)) await this.checkContext(needed);
      const home: LoadedModel | null = homeInfo && {
        label: await this.#homeLabel(homeInfo, inputs.modelSource),
        vocabulary: vocabularyKey(this.tokenizer()),
      };
      switcher = modelSwitcher(async (ref) => {
        onProgress?.({ ...last, label: `loading ${ref ?? home?.label.name ?? 'the model'}` });
        return ref === null ? this.#reloadHome(needed, home) : this.#loadBuiltin(ref, needed);
      }, home);
      const first = request.variants[0].model ?? null;
      if (first === null) await this.#withContext(needed);
      else await switcher.use(first);
      const ctx: ProbeContext = {
        engine: this,
        hooks: hasProbeHooks(this) ? this : undefined,
        tokenizer: this.tokenizer(),
        model: switcher.label(first),
        models: switcher,
        signal: abort.signal,
        onProgress: report,
      };
      return await runProbeRequest(ctx, request, (id) => loadText(id, inputs));
    } finally {
      this.#running = null;
      // The page's model back, as it was, when a variant's model took its place. Should that fail, unload:
      // a generation must fail with "no model is loaded", never run silently on the variant's model.
      if (switcher && switcher.current() !== null && this.#home) {
        await super.load(this.#home.source, undefined, this.#home.options).catch(() => this.unload());
      }
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
    if (!this.#home) throw new Error(`the probe needs ${needed} positions and the KV cache holds ${info.context}; load the model again`);
    return this.load(this.#home.source, undefined, { ...this.#home.options, context: needed });
  }

  async #reloadHome(needed: number, home: LoadedModel | null): Promise<LoadedModel> {
    if (!this.#home || !home) throw new Error('a variant without a model runs on the loaded model, but none is loaded');
    const context = Math.max(needed, this.#home.options.context ?? 0);
    await this.load(this.#home.source, undefined, { ...this.#home.options, context });
    return home;
  }

  /** Loads `builtin:<name>` from the page's origin (not as the page's model) with a KV cache of `needed`. */
  async #loadBuiltin(ref: string, needed: number): Promise<LoadedModel> {
    const { model, file } = await this.#fetchBuiltin(ref);
    const info = await super.load({ kind: 'file', file, name: model.file }, undefined, { context: needed });
    return { label: builtinLabel(model, info), vocabulary: vocabularyKey(this.tokenizer()) };
  }

  async #fetchBuiltin(ref: string): Promise<{ model: BuiltinModel; file: Blob }> {
    const name = parseBuiltinRef(ref);
    if (name === null) throw new Error(`'${ref}' is not a built-in model reference (builtin:<name>)`);
    const manifest = await this.builtins.manifest();
    const model = findBuiltinModel(manifest, name);
    const url = builtinModelUrl(manifest, name, this.builtins.base());
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${ref}: ${url} answered HTTP ${response.status}`);
    return { model, file: await response.blob() };
  }

  /** The page's model: a built-in one is named and hashed as the manifest says. */
  async #homeLabel(info: ModelInfo, source: string | undefined): Promise<ModelLabel> {
    const name = source === undefined ? null : safeBuiltinName(source);
    if (name !== null) {
      const model = (await this.builtins.manifest().catch(() => null))?.models.find((m) => m.name === name);
      if (model) return builtinLabel(model, info);
    }
    return { name: info.name, source, trainedContext: info.trainedContext, rope: info.rope };
  }
}

function builtinLabel(model: BuiltinModel, info: ModelInfo): ModelLabel {
  return { name: model.name, source: builtinRef(model.name), trainedContext: info.trainedContext, rope: info.rope, sha256: model.sha256 };
}

function safeBuiltinName(source: string): string | null {
  try {
    return parseBuiltinRef(source);
  } catch {
    return null;
  }
}

async function loadText(id: string, inputs: ProbeInputs): Promise<string> {
  if (id === 'user') {
    if (!inputs.userText) throw new Error("the probe reads your own text ('user'), but none was given");
    return inputs.userText;
  }
  // The catalog of ~12 MB of text is split into lazy chunks; only the chosen documents are fetched.
  const { viteBuiltinTexts } = await import('../data/texts-vite.ts');
  return findProbeText(viteBuiltinTexts(), id).load();
}
