// The model and playground slices with an in-process engine, an in-memory cache and a scripted fetch:
// the load pipeline (header check, download into the cache, cache hits, the no-cache fallback), error
// messages, cancellation, crash recovery, streaming/stopping generation, and chat.
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { meta, writeGGUF } from '../../src/gguf/index.ts';
import { parseModelManifest } from '../../src/models/builtin.ts';
import { ModelCacheError, type CachedModel } from '../../src/storage/model-cache.ts';
import { createModelSlices, type ModelLabSlices } from '../../src/state/modelStore.ts';
import type { ModelCache, ModelServices } from '../../src/state/modelServices.ts';
import { clampSetting, NO_CHAT_TEMPLATE } from '../../src/state/modelPlayground.ts';
import type { ModelInfo } from '../../src/engine/types.ts';
import { ScriptedEngine, SCRIPTED_MODEL_INFO } from '../helpers/scripted-engine.ts';

const MODEL_BYTES = new Uint8Array([0x47, 0x47, 0x55, 0x46, 1, 2, 3, 4]); // starts with "GGUF"

/** The OPFS cache's contract over a Map; `quotaBytes` makes saves fail like a full disk. */
function memoryCache(quotaBytes = Infinity): ModelCache & { entries: Map<string, CachedModel & { file: File }> } {
  const entries = new Map<string, CachedModel & { file: File }>();
  const list = async () => [...entries.values()].map(({ file: _f, ...m }) => m);
  return {
    entries,
    isCacheAvailable: () => true,
    listCachedModels: list,
    findCachedBySource: async (source) => (await list()).find((m) => m.source === source) ?? null,
    cachedModelFile: async (name) => {
      const e = entries.get(name);
      if (!e) throw new ModelCacheError(`'${name}' is not in the model cache`);
      return e.file;
    },
    deleteCachedModel: async (name) => void entries.delete(name),
    saveToCache: async (preferredName, source, body, expectedSize, options = {}) => {
      if (expectedSize > quotaBytes) throw new ModelCacheError('not enough browser storage to cache the model');
      const chunks: Uint8Array[] = [];
      let written = 0;
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        options.signal?.throwIfAborted();
        chunks.push(chunk);
        written += chunk.byteLength;
        options.onProgress?.(written, expectedSize);
      }
      const name = preferredName.split('/').pop()!;
      const file = new File(chunks as BlobPart[], name);
      const model = { name, size: file.size, savedAt: 1, source };
      entries.set(name, { ...model, file });
      return { model, file };
    },
  };
}

function setup(options: { quota?: number; webgpu?: string | null; fetch?: typeof fetch } = {}) {
  const engine = new ScriptedEngine();
  const cache = memoryCache(options.quota);
  const fetches: string[] = [];
  let crash: (message: string) => void = () => {};
  const services: ModelServices = {
    engine,
    abortEngine: () => {},
    onEngineCrash: (listener) => {
      crash = listener;
      return () => {};
    },
    cache,
    fetch:
      options.fetch ??
      (async (input) => {
        fetches.push(String(input));
        return new Response(MODEL_BYTES, { headers: { 'Content-Length': String(MODEL_BYTES.length) } });
      }),
    builtins: { base: () => 'https://lab.example/', manifest: async () => BUILTINS },
    webgpuProblem: async () => options.webgpu ?? null,
  };
  const store = createStore<ModelLabSlices>()((set, get) => createModelSlices(set, get, services));
  const stages: string[] = [];
  store.subscribe((s) => {
    const stage = s.model.loading?.stage;
    if (stage && stages.at(-1) !== stage) stages.push(stage);
  });
  return { store, engine, cache, services, fetches, stages, crash: (m: string) => crash(m), model: () => store.getState().model };
}

const URL_ = 'https://models.example/tiny.gguf';
const builtin = (name: string) => ({
  name,
  file: `${name}.gguf`,
  title: name,
  description: 'd',
  stage: 'long-context',
  trainedContext: 2048,
  rope: 'base 10,000',
  bytes: 8,
  sha256: null,
});
const BUILTINS = parseModelManifest({ version: 1, default: 'abf', models: [builtin('rope'), builtin('abf')] });

describe('model slice: loading', () => {
  it('loads the default built-in model from the site, without putting it in the OPFS cache', async () => {
    const t = setup();
    await t.model().actions.load({ kind: 'builtin' });
    expect(t.model().error).toBeNull();
    expect(t.fetches).toEqual(['https://lab.example/models/abf.gguf']);
    expect(t.model().source).toBe('builtin:abf');
    expect(t.stages).toEqual(['check', 'fetch', 'weights']);
    const source = t.engine.sources[0] as { kind: string; file: File; name: string };
    expect([source.kind, source.name]).toEqual(['file', 'abf.gguf']);
    expect(new Uint8Array(await source.file.arrayBuffer())).toEqual(MODEL_BYTES);
    expect(t.model().cached).toEqual([]);
  });

  it('loads the default when a section asks (once), never after another load has started, nor at creation', async () => {
    const t = setup();
    expect(t.engine.sources).toHaveLength(0);
    expect(t.model().loading).toBeNull();
    await Promise.all([t.model().actions.loadDefault(), t.model().actions.loadDefault()]);
    expect(t.model().source).toBe('builtin:abf');
    expect(t.fetches).toEqual(['https://lab.example/models/abf.gguf']);
    await t.model().actions.loadDefault(); // a section opened again
    expect(t.fetches).toHaveLength(1);

    const linked = setup(); // a ?model= link started its load first
    await linked.model().actions.load({ kind: 'url', url: 'builtin:rope' });
    await linked.model().actions.loadDefault();
    expect(linked.model().source).toBe('builtin:rope');
    expect(linked.fetches).toEqual(['https://lab.example/models/rope.gguf']);
  });

  it('takes builtin:<name> typed as a URL, and names an unknown one with the list', async () => {
    const t = setup();
    await t.model().actions.load({ kind: 'url', url: ' builtin:rope ' });
    expect(t.model().source).toBe('builtin:rope');
    expect(t.fetches).toEqual(['https://lab.example/models/rope.gguf']);
    await t.model().actions.load({ kind: 'url', url: 'builtin:nope' });
    expect(t.model().error).toBe("Loading builtin:nope failed: no built-in model 'nope' (built-in models: rope, abf)");
    expect(t.fetches).toHaveLength(1);
  });

  it('reads the built-in list into the state once', async () => {
    const t = setup();
    await t.model().actions.refreshBuiltins();
    expect(t.model().builtins?.models.map((m) => m.name)).toEqual(['rope', 'abf']);
    const first = t.model().builtins;
    await t.model().actions.refreshBuiltins();
    expect(t.model().builtins).toBe(first);
  });

  it('downloads a URL into the cache, loads the cached file, and lists it', async () => {
    const t = setup();
    await t.model().actions.load({ kind: 'url', url: URL_ });
    expect(t.model().error).toBeNull();
    expect(t.model().info).toEqual(SCRIPTED_MODEL_INFO);
    expect(t.model().source).toBe(URL_);
    expect(t.stages).toEqual(['check', 'header', 'download', 'weights']);
    const source = t.engine.sources[0];
    expect(source.kind).toBe('file');
    expect(new Uint8Array(await (source as { file: Blob }).file.arrayBuffer())).toEqual(MODEL_BYTES);
    expect(t.model().cached.map((m) => [m.name, m.size, m.source])).toEqual([['tiny.gguf', 8, URL_]]);
  });

  it('loads a cached URL again without downloading it', async () => {
    const t = setup();
    await t.model().actions.load({ kind: 'url', url: URL_ });
    expect(t.fetches).toEqual([URL_, URL_]); // the header probe (this server ignores ranges), the download
    await t.model().actions.load({ kind: 'url', url: URL_ });
    expect(t.fetches).toHaveLength(2);
    expect(t.engine.sources).toHaveLength(2);
  });

  it('falls back to reading the URL directly when the cache is full, and says so', async () => {
    const t = setup({ quota: 4 });
    await t.model().actions.load({ kind: 'url', url: URL_ });
    expect(t.engine.sources[0]).toEqual({ kind: 'url', url: URL_ });
    expect(t.model().info).toEqual(SCRIPTED_MODEL_INFO);
    expect(t.model().notice).toMatch(/^Loaded without caching: not enough browser storage/);
  });

  it('without OPFS the engine reads the URL itself and the cache list explains why it is empty', async () => {
    const t = setup();
    t.cache.isCacheAvailable = () => false;
    await t.model().actions.load({ kind: 'url', url: URL_ });
    expect(t.engine.sources).toEqual([{ kind: 'url', url: URL_ }]);
    expect(t.fetches).toEqual([]);
    expect(t.model().info).toEqual(SCRIPTED_MODEL_INFO);
    expect(t.model().cacheError).toBe('This browser has no Origin Private File System, so models are not cached.');
  });

  it('throttles byte progress to a few store updates, keeping the final count', async () => {
    const t = setup();
    const save = t.cache.saveToCache;
    t.cache.saveToCache = async (name, source, body, size, options = {}) => {
      for (let i = 1; i <= 5000; i++) options.onProgress?.(i, 5000);
      return save(name, source, body, size, {});
    };
    const updates: number[] = [];
    t.store.subscribe((s) => s.model.loading?.stage === 'download' && updates.push(s.model.loading.loadedBytes));
    await t.model().actions.load({ kind: 'url', url: URL_ });
    expect(updates.length).toBeLessThan(10);
    expect(updates.at(-1)).toBe(5000);
  });

  it('names a broken file and removes it from the cache', async () => {
    const t = setup();
    t.engine.loadError = Object.assign(new Error('bad magic 0x12345678, expected "GGUF"'), { name: 'GGUFError' });
    const file = new File([MODEL_BYTES], 'broken.gguf');
    await t.model().actions.load({ kind: 'file', file });
    expect(t.model().error).toBe('broken.gguf is not a usable GGUF model: bad magic 0x12345678, expected "GGUF"');
    expect(t.model().loading).toBeNull();
    expect(t.cache.entries.size).toBe(0);
  });

  it('reports HTTP errors and refuses non-http URLs', async () => {
    const t = setup({ fetch: async () => new Response('nope', { status: 404, statusText: 'Not Found' }) });
    await t.model().actions.load({ kind: 'url', url: URL_ });
    expect(t.model().error).toBe(`Loading ${URL_} failed: the server answered HTTP 404 Not Found`);
    await t.model().actions.load({ kind: 'url', url: 'ftp://x/y.gguf' });
    expect(t.model().error).toContain('model URLs must be http(s), got ftp:');
  });

  it('explains a missing WebGPU and does not touch the engine', async () => {
    const t = setup({ webgpu: 'This browser does not offer WebGPU' });
    await t.model().actions.load({ kind: 'url', url: URL_ });
    expect(t.model().error).toBe('This browser does not offer WebGPU');
    expect(t.engine.sources).toEqual([]);
    expect(t.fetches).toEqual([]);
  });

  it('cancelling a download leaves no model, no error and no cache entry', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await gate;
        controller.enqueue(MODEL_BYTES);
        controller.close();
      },
    });
    // a server without ranges: the header probe gets the whole file (200) and drops it
    const t = setup({
      fetch: async (_input, init) =>
        new Headers(init?.headers).has('Range') ? new Response(MODEL_BYTES) : new Response(body, { headers: { 'Content-Length': '8' } }),
    });
    const loading = t.model().actions.load({ kind: 'url', url: URL_ });
    await new Promise((r) => setTimeout(r, 5));
    expect(t.model().loading?.stage).toBe('download');
    t.model().actions.cancelLoad();
    release();
    await loading;
    expect(t.model()).toMatchObject({ info: null, error: null, loading: null, notice: `Loading ${URL_} was cancelled.` });
    expect(t.cache.entries.size).toBe(0);
  });

  it('cancelling while the engine reads the model stops the engine (its worker)', async () => {
    const t = setup();
    let failLoad!: (err: Error) => void;
    t.engine.load = (source) => {
      t.engine.sources.push(source);
      return new Promise((_, reject) => (failLoad = reject));
    };
    const aborted: string[] = [];
    t.services.abortEngine = (reason) => {
      aborted.push(reason);
      failLoad(Object.assign(new Error(reason), { name: 'EngineCrashError' }));
    };
    const loading = t.model().actions.load({ kind: 'url', url: URL_ });
    await new Promise((r) => setTimeout(r, 5));
    expect(t.engine.sources).toHaveLength(1);
    t.model().actions.cancelLoad();
    await loading;
    expect(aborted).toEqual(['loading was cancelled']);
    expect(t.model()).toMatchObject({ info: null, error: null, loading: null, notice: `Loading ${URL_} was cancelled.` });
  });

  it('a crashed engine clears the model but keeps the prompt and settings', async () => {
    const t = setup();
    await t.model().actions.load({ kind: 'url', url: URL_ });
    t.store.getState().playground.actions.setPrompt('my prompt');
    t.store.getState().playground.actions.setSampling('temperature', 0.3);
    t.crash('the GPU device was lost (test)');
    expect(t.model().info).toBeNull();
    expect(t.model().error).toBe('The engine stopped: the GPU device was lost (test). Load the model again.');
    expect(t.store.getState().playground.prompt).toBe('my prompt');
    expect(t.store.getState().playground.sampling.temperature).toBe(0.3);
  });
});

/** A server that answers Range requests with 206, as Hugging Face does; logs each request's range (or 'GET'). */
function rangedServer(bytes: Uint8Array<ArrayBuffer>, log: string[], status = 200): typeof fetch {
  return async (_input, init) => {
    const range = new Headers(init?.headers).get('Range');
    log.push(range ?? 'GET');
    if (status !== 200) return new Response('no', { status, statusText: status === 401 ? 'Unauthorized' : '' });
    const m = /^bytes=(\d+)-(\d+)$/.exec(range ?? '');
    if (!m) return new Response(bytes, { headers: { 'Content-Length': String(bytes.length) } });
    const end = Math.min(Number(m[2]), bytes.length - 1);
    return new Response(bytes.slice(Number(m[1]), end + 1), {
      status: 206,
      headers: { 'Content-Range': `bytes ${m[1]}-${end}/${bytes.length}` },
    });
  };
}

describe('model slice: header check before a download', () => {
  it('refuses a file that is not a GGUF after reading its first bytes, before downloading it', async () => {
    const log: string[] = [];
    const html = new TextEncoder().encode('<!DOCTYPE html><html>' + 'x'.repeat(100_000));
    const t = setup({ fetch: rangedServer(html, log) });
    await t.model().actions.load({ kind: 'url', url: URL_ });
    expect(t.model().error).toMatch(new RegExp(`^${URL_} is not a usable GGUF model: .*GGUF`));
    expect(log.every((r) => r.startsWith('bytes='))).toBe(true);
    expect(t.engine.sources).toEqual([]);
    expect(t.cache.entries.size).toBe(0);
  });

  it('refuses a GGUF of an architecture the engine does not run, naming it', async () => {
    const log: string[] = [];
    const t = setup({ fetch: rangedServer(writeGGUF([['general.architecture', meta.str('bert')]], []), log) });
    await t.model().actions.load({ kind: 'url', url: URL_ });
    expect(t.model().error).toContain(
      'is not a usable GGUF model: unsupported architecture "bert" (this engine runs llama, mistral, qwen2, qwen3, gemma3, phi3, smollm3)',
    );
    expect(log).not.toContain('GET');
  });

  it('says a Hugging Face 401 may mean a gated repository', async () => {
    const hf = 'https://huggingface.co/meta-llama/x/resolve/main/x.gguf';
    const t = setup({ fetch: rangedServer(MODEL_BYTES, [], 401) });
    await t.model().actions.load({ kind: 'url', url: hf });
    expect(t.model().error).toBe(
      `Loading ${hf} failed: the server answered HTTP 401 Unauthorized: the repository may be gated (accept its licence on huggingface.co) or private`,
    );
  });
});

const CHATML = {
  template:
    "{% for m in messages %}{% if loop.first and m['role'] != 'system' %}<|im_start|>system\nDefault<|im_end|>\n{% endif %}" +
    "<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}",
  bos: '<|im_start|>',
  eos: '<|im_end|>',
};

describe('playground slice: chat', () => {
  async function chatSetup(chatTemplate: ModelInfo['chatTemplate'] = CHATML) {
    const t = setup();
    t.engine.loads = { ...SCRIPTED_MODEL_INFO, chatTemplate };
    await t.model().actions.load({ kind: 'url', url: URL_ });
    const playground = () => t.store.getState().playground;
    playground().actions.setMode('chat');
    playground().actions.setSampling('maxTokens', 3);
    return { ...t, playground };
  }

  it('renders the conversation with the model’s template, reads its markers as tokens, and adds the reply', async () => {
    const t = await chatSetup();
    t.playground().actions.setSystemPrompt('Be brief.');
    t.playground().actions.setChatInput('Hi');
    await t.playground().actions.send();
    expect(t.engine.generated[0].prompt).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(t.engine.generated[0].options).toMatchObject({ parseSpecial: true, maxTokens: 3 });
    expect(t.playground().chat).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'bab' },
    ]);
    expect(t.playground().chatInput).toBe('');

    // the next turn carries the whole conversation; an empty system prompt leaves the template's default
    t.playground().actions.setSystemPrompt('');
    t.playground().actions.setChatInput('More');
    await t.playground().actions.send();
    expect(t.engine.generated[1].prompt).toBe(
      '<|im_start|>system\nDefault<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nbab<|im_end|>\n' +
        '<|im_start|>user\nMore<|im_end|>\n<|im_start|>assistant\n',
    );
    t.playground().actions.clearChat();
    expect(t.playground().chat).toEqual([]);
  });

  it('without a chat template it says to use completion and sends nothing', async () => {
    const t = await chatSetup(null);
    t.playground().actions.setChatInput('Hi');
    await t.playground().actions.send();
    expect(t.playground().error).toBe(NO_CHAT_TEMPLATE);
    expect(t.engine.generated).toEqual([]);
    expect(t.playground().chatInput).toBe('Hi');
  });

  it('a template that fails, or a generation that fails, leaves the message in the input and the conversation as it was', async () => {
    const broken = await chatSetup({ ...CHATML, template: "{{ raise_exception('roles must alternate') }}" });
    broken.playground().actions.setChatInput('Hi');
    await broken.playground().actions.send();
    expect(broken.playground().error).toBe("The model's chat template failed: chat template failed: roles must alternate");
    expect(broken.playground()).toMatchObject({ chat: [], chatInput: 'Hi' });

    const t = await chatSetup();
    t.engine.generateError = new Error('device lost');
    t.playground().actions.setChatInput('Hi');
    await t.playground().actions.send();
    expect(t.playground()).toMatchObject({ chat: [], chatInput: 'Hi', error: 'Generation failed: device lost', status: 'idle' });
  });
});

describe('playground slice', () => {
  it('streams tokens into the output and records the engine rates', async () => {
    const t = setup();
    await t.model().actions.load({ kind: 'url', url: URL_ });
    const { actions } = t.store.getState().playground;
    actions.setSampling('maxTokens', 5);
    const outputs: string[] = [];
    t.store.subscribe((s) => outputs.push(s.playground.output));
    await actions.generate();
    const p = t.store.getState().playground;
    expect(outputs).toContain('ba');
    expect(p.output).toBe('babab');
    expect(p.generated).toBe(5);
    expect(p.result).toEqual({ promptTokens: 3, tokensPerSecond: 10, promptTokensPerSecond: 30, stoppedBy: 'maxTokens' });
    expect(p.status).toBe('idle');
  });

  it('stop() cancels a running generation and keeps its text', async () => {
    const t = setup();
    await t.model().actions.load({ kind: 'url', url: URL_ });
    const { actions } = t.store.getState().playground;
    actions.setSampling('maxTokens', 4000);
    const running = actions.generate();
    await new Promise((r) => setTimeout(r, 20));
    actions.stop();
    expect(t.store.getState().playground.status).toBe('stopping');
    await running;
    const p = t.store.getState().playground;
    expect(p.result?.stoppedBy).toBe('cancelled');
    expect(p.generated).toBeGreaterThan(0);
    expect(p.generated).toBeLessThan(4000);
    expect(p.output.length).toBe(p.generated);
  });

  it('does not generate without a model', async () => {
    const t = setup();
    await t.store.getState().playground.actions.generate();
    expect(t.store.getState().playground.status).toBe('idle');
    expect(t.engine.sources).toEqual([]);
  });

  it('clamps settings to their ranges, rounds integers, and ignores NaN', () => {
    expect(clampSetting('temperature', 5, 1)).toBe(2);
    expect(clampSetting('temperature', -1, 1)).toBe(0);
    expect(clampSetting('maxTokens', 12.6, 1)).toBe(13);
    expect(clampSetting('topP', Number.NaN, 0.9)).toBe(0.9);
    expect(clampSetting('repeatPenalty', 0.5, 1.1)).toBe(1);
  });
});
