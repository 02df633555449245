// WorkerEngine against an in-process engine exposed over a real MessageChannel (comlink on both ends, as
// in the browser; only the Worker object is a stand-in): forwarding, streamed callbacks, cancellation
// between steps, and recovery from a dead worker (one that throws, reports a fatal error, or ends silently).
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineCrashError, WORKER_CLOSED, WorkerEngine, type EngineLocks, type EngineWorker } from '../../src/worker/engine-client.ts';
import { ALIVE_MESSAGE, FATAL_MESSAGE } from '../../src/worker/engine-protocol.ts';
import type { LoadProgress } from '../../src/engine/types.ts';
import { ScriptedEngine, SCRIPTED_LOAD_PROGRESS, SCRIPTED_MODEL_INFO } from '../helpers/scripted-engine.ts';

const tick = (ms = 2) => new Promise((resolve) => setTimeout(resolve, ms));

/** navigator.locks as far as the client uses it: a request is granted once the holder lets go, unless aborted first. */
class FakeLocks {
  private readonly held = new Map<string, Promise<void>>();
  /** Takes `name`; returns the function that lets it go. */
  hold(name: string): () => void {
    let release!: () => void;
    this.held.set(name, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.held.delete(name);
      release();
    };
  }
  request(name: string, options: LockOptions, callback: LockGrantedCallback<unknown>): Promise<unknown> {
    const { signal } = options;
    return new Promise((resolve, reject) => {
      signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true });
      void (this.held.get(name) ?? Promise.resolve()).then(() => {
        if (!signal?.aborted) resolve(callback({ name, mode: 'exclusive' } as Lock));
      });
    });
  }
}

let lockCount = 0;

/** A Worker stand-in: comlink traffic over a MessageChannel, 'error' events dispatched by the test. */
class FakeWorker extends EventTarget implements EngineWorker {
  readonly engine = new ScriptedEngine((index) => `t${index} `, 2);
  terminated = false;
  private readonly page: MessagePort;
  private readonly inside: MessagePort;
  private readonly releaseLock?: () => void;
  constructor(locks?: FakeLocks) {
    super();
    const channel = new MessageChannel();
    this.page = channel.port1;
    this.inside = channel.port2;
    Comlink.expose(this.engine, this.inside);
    this.page.addEventListener('message', (event) => this.dispatchEvent(new MessageEvent('message', { data: event.data })));
    this.page.start();
    if (locks) {
      // as engine.worker.ts does: hold a lock for life, then name it to the page
      const lock = `fake-engine-${++lockCount}`;
      this.releaseLock = locks.hold(lock);
      this.inside.postMessage({ type: ALIVE_MESSAGE, lock });
    }
  }
  postMessage(message: unknown, transfer?: Transferable[] | StructuredSerializeOptions) {
    this.page.postMessage(message, transfer as Transferable[]);
  }
  terminate() {
    this.terminated = true;
    this.page.close();
    this.inside.close();
    this.releaseLock?.();
  }
  /** What self.close() inside the worker does: no event on the page, no more answers, the lock let go. */
  close() {
    this.engine.cancel();
    this.inside.close();
    this.releaseLock?.();
  }
  /** What the browser does when the worker throws an uncaught error. */
  crash(message: string) {
    this.dispatchEvent(Object.assign(new Event('error', { cancelable: true }), { message }));
  }
  /** What engine.worker.ts sends for a lost device or an unhandled rejection. */
  sendFatal(message: string) {
    this.dispatchEvent(new MessageEvent('message', { data: { type: FATAL_MESSAGE, message } }));
  }
}

let workers: FakeWorker[] = [];
function client(locks?: FakeLocks) {
  return new WorkerEngine(
    () => {
      const w = new FakeWorker(locks);
      workers.push(w);
      return w;
    },
    locks as unknown as EngineLocks | undefined,
  );
}

afterEach(() => {
  for (const w of workers) if (!w.terminated) w.terminate();
  workers = [];
});

describe('WorkerEngine', () => {
  it('spawns no worker until a model is loaded', async () => {
    const engine = client();
    expect(await engine.info()).toBeNull();
    await expect(engine.generate('x', { maxTokens: 1 })).rejects.toThrow('no model is loaded');
    expect(workers).toHaveLength(0);
  });

  it('forwards load with its progress callback, and streams generated tokens in order', async () => {
    const engine = client();
    const progress: LoadProgress[] = [];
    expect(await engine.load({ kind: 'url', url: 'x' }, (p) => progress.push(p))).toEqual(SCRIPTED_MODEL_INFO);
    expect(progress).toEqual([SCRIPTED_LOAD_PROGRESS]);
    const streamed: string[] = [];
    const result = await engine.generate('hi', { maxTokens: 4 }, (t) => streamed.push(t.text));
    expect(result.stoppedBy).toBe('maxTokens');
    await tick(20); // callbacks are posted messages; the last may land after the call resolves
    expect(streamed).toEqual(['t0 ', 't1 ', 't2 ', 't3 ']);
  });

  it('cancel() reaches the engine between steps of a running generate', async () => {
    const engine = client();
    await engine.load({ kind: 'url', url: 'x' });
    let seen = 0;
    const running = engine.generate('hi', { maxTokens: 10_000 }, () => {
      if (++seen === 3) engine.cancel();
    });
    const result = await running;
    expect(result.stoppedBy).toBe('cancelled');
    expect(result.tokens.length).toBeGreaterThanOrEqual(3);
    expect(result.tokens.length).toBeLessThan(50);
  });

  it('a worker error rejects the pending call, is reported, and the next load starts a fresh worker', async () => {
    const engine = client();
    const crashes: string[] = [];
    engine.onCrash((m) => crashes.push(m));
    await engine.load({ kind: 'url', url: 'x' });
    const running = engine.generate('hi', { maxTokens: 10_000 });
    await tick(10);
    workers[0].crash('out of memory');
    await expect(running).rejects.toThrow(EngineCrashError);
    await expect(running).rejects.toThrow('the engine stopped: out of memory');
    expect(crashes).toEqual(['out of memory']);
    expect(workers[0].terminated).toBe(true);
    expect(await engine.info()).toBeNull();
    await expect(engine.generate('x', { maxTokens: 1 })).rejects.toThrow('no model is loaded');

    expect(await engine.load({ kind: 'url', url: 'x' })).toEqual(SCRIPTED_MODEL_INFO);
    expect(workers).toHaveLength(2);
    expect((await engine.generate('hi', { maxTokens: 2 })).tokens).toEqual([0, 1]);
  });

  it('a fatal message from the worker (lost GPU device) counts as a crash', async () => {
    const engine = client();
    const crashes: string[] = [];
    engine.onCrash((m) => crashes.push(m));
    await engine.load({ kind: 'url', url: 'x' });
    workers[0].sendFatal('the GPU device was lost (test)');
    expect(crashes).toEqual(['the GPU device was lost (test)']);
    expect(await engine.info()).toBeNull();
  });

  it('terminate() fails a pending call with the given reason without reporting a crash', async () => {
    const engine = client();
    const crashes: string[] = [];
    engine.onCrash((m) => crashes.push(m));
    await engine.load({ kind: 'url', url: 'x' });
    const running = engine.generate('hi', { maxTokens: 10_000 });
    engine.terminate('loading was cancelled');
    await expect(running).rejects.toThrow('loading was cancelled');
    expect(crashes).toEqual([]);
  });

  it('a worker that ends without an error (self.close()) fails the pending call, is reported, and is replaced', async () => {
    const engine = client(new FakeLocks());
    const crashes: string[] = [];
    engine.onCrash((m) => crashes.push(m));
    await engine.load({ kind: 'url', url: 'x' });
    const running = engine.generate('hi', { maxTokens: 10_000 });
    await tick(10);
    workers[0].close();
    await expect(running).rejects.toThrow(EngineCrashError);
    await expect(running).rejects.toThrow(`the engine stopped: ${WORKER_CLOSED}`);
    expect(crashes).toEqual([WORKER_CLOSED]);
    expect(workers[0].terminated).toBe(true);
    await expect(engine.generate('x', { maxTokens: 1 })).rejects.toThrow('no model is loaded');

    expect(await engine.load({ kind: 'url', url: 'x' })).toEqual(SCRIPTED_MODEL_INFO);
    expect(workers).toHaveLength(2);
    expect((await engine.generate('hi', { maxTokens: 2 })).tokens).toEqual([0, 1]);
  });

  it('a worker that ends silently while idle is reported at once, so the next load starts afresh', async () => {
    const engine = client(new FakeLocks());
    const crashes: string[] = [];
    engine.onCrash((m) => crashes.push(m));
    await engine.load({ kind: 'url', url: 'x' });
    workers[0].close();
    await tick(10);
    expect(crashes).toEqual([WORKER_CLOSED]);
    expect(await engine.load({ kind: 'url', url: 'x' })).toEqual(SCRIPTED_MODEL_INFO);
    expect(workers).toHaveLength(2);
  });

  it('ending the worker ourselves lets its lock go without reporting a crash', async () => {
    const engine = client(new FakeLocks());
    const crashes: string[] = [];
    engine.onCrash((m) => crashes.push(m));
    await engine.load({ kind: 'url', url: 'x' });
    engine.terminate('loading was cancelled');
    await tick(10);
    expect(workers[0].terminated).toBe(true);
    expect(crashes).toEqual([]);
  });
});
