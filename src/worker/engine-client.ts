// The page's side of the engine worker: an Engine that forwards every call through comlink, so the UI
// cannot tell it from the engine itself. Callbacks cross as Comlink.proxy.
//
// A worker can die under us (an uncaught error, a lost GPU device, the tab running out of memory, or an
// end without any error: self.close()). Then every pending call rejects with EngineCrashError, the worker
// is terminated, and the next load() starts a fresh one; nothing on the page depends on the dead worker,
// so the user's state survives. A silent end is seen through the Web Lock the worker holds while it lives
// (engine.worker.ts): the page asks for the same lock, which the browser grants once the worker is gone.
import * as Comlink from 'comlink';
import type {
  Engine,
  GenerateOptions,
  GeneratedToken,
  LoadOptions,
  LoadProgress,
  ModelInfo,
  ModelSource,
  ScoreOptions,
} from '../engine/types.ts';
import type { ProbeProgress, ProbeRequest, ProbeResult } from '../probes/index.ts';
import { describeError, isAliveMessage, isFatalMessage } from './engine-protocol.ts';
import type { ProbeInputs, ProbeRunner } from './probe-protocol.ts';

/** The worker stopped (crashed, lost its GPU, or was terminated); load a model to start a new one. */
export class EngineCrashError extends Error {
  override readonly name = 'EngineCrashError';
}

/** What the client needs of a Worker; tests hand in a MessageChannel-backed stand-in. */
export type EngineWorker = Pick<Worker, 'postMessage' | 'terminate' | 'addEventListener' | 'removeEventListener'>;

/** What the client needs of navigator.locks (absent where the page has none: then a silent end goes unseen). */
export type EngineLocks = Pick<LockManager, 'request'>;

/** The reason a worker that ended without an error is given. */
export const WORKER_CLOSED = 'the engine worker ended without reporting an error';

function spawnEngineWorker(): EngineWorker {
  return new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'rope-lab-engine' });
}

/**
 * A callback whose errors stay on this side: the engine does not await its callbacks, so a throw would
 * surface in the worker as an unhandled rejection, which the worker treats as fatal.
 */
function contained<A>(callback: (arg: A) => void): (arg: A) => void {
  return (arg) => {
    try {
      callback(arg);
    } catch (err) {
      console.error('engine callback failed:', err);
    }
  };
}

interface Connection {
  worker: EngineWorker;
  remote: Comlink.Remote<Engine & ProbeRunner>;
  /** Rejects when the worker dies; raced against every call. */
  died: Promise<never>;
  kill(reason: string): void;
  dead: boolean;
}

export class WorkerEngine implements Engine, ProbeRunner {
  #connection: Connection | null = null;
  #crashListeners = new Set<(message: string) => void>();

  constructor(
    private readonly spawn: () => EngineWorker = spawnEngineWorker,
    private readonly locks: EngineLocks | undefined = globalThis.navigator?.locks,
  ) {}

  /** Called when the worker dies on its own (not when terminate() is called). */
  onCrash(listener: (message: string) => void): () => void {
    this.#crashListeners.add(listener);
    return () => this.#crashListeners.delete(listener);
  }

  /** Kills the worker now (e.g. to abort a load); pending calls reject with EngineCrashError(reason). */
  terminate(reason = 'the engine was stopped'): void {
    this.#connection?.kill(reason);
    this.#connection = null;
  }

  load(source: ModelSource, onProgress?: (p: LoadProgress) => void, options?: LoadOptions): Promise<ModelInfo> {
    if (!this.#connection || this.#connection.dead) this.#connection = this.#connect();
    const progress = onProgress && Comlink.proxy(contained(onProgress));
    return this.#call((remote) => remote.load(source, progress, options));
  }

  async info(): Promise<ModelInfo | null> {
    if (!this.#live()) return null;
    return this.#call((remote) => remote.info());
  }

  generate(prompt: string | number[], options: GenerateOptions, onToken?: (t: GeneratedToken) => void) {
    const callback = onToken && Comlink.proxy(contained(onToken));
    return this.#call((remote) => remote.generate(prompt, options, callback), true);
  }

  score(input: string | number[], options?: ScoreOptions) {
    return this.#call((remote) => remote.score(input, options), true);
  }

  setRope(override: Parameters<Engine['setRope']>[0]) {
    return this.#call((remote) => remote.setRope(override), true);
  }

  runProbe(request: ProbeRequest, inputs: ProbeInputs, onProgress?: (progress: ProbeProgress) => void): Promise<ProbeResult> {
    const callback = onProgress && Comlink.proxy(contained(onProgress));
    // comlink's Remote type spreads the result union into a union of promises; it is one promise
    return this.#call((remote) => remote.runProbe(request, inputs, callback) as Promise<ProbeResult>, true);
  }

  cancelProbe(): void {
    if (this.#live()) this.#connection!.remote.cancelProbe().catch(() => {});
  }

  cancel(): void {
    // Delivered between the engine's GPU steps: generate/score await each step, freeing the worker's loop.
    if (this.#live()) this.#connection!.remote.cancel().catch(() => {});
  }

  async unload(): Promise<void> {
    if (this.#live()) await this.#call((remote) => remote.unload());
  }

  #live(): boolean {
    return this.#connection !== null && !this.#connection.dead;
  }

  async #call<T>(invoke: (remote: Comlink.Remote<Engine & ProbeRunner>) => Promise<T>, needsModel = false): Promise<T> {
    const connection = this.#connection;
    if (!connection || connection.dead) {
      throw new EngineCrashError(needsModel ? 'no model is loaded' : 'the engine is not running');
    }
    return Promise.race([invoke(connection.remote), connection.died]);
  }

  #connect(): Connection {
    const worker = this.spawn();
    let reject!: (err: Error) => void;
    const died = new Promise<never>((_, r) => (reject = r));
    died.catch(() => {}); // observed through the race; never an unhandled rejection by itself
    const stopWatching = new AbortController();
    const connection: Connection = {
      worker,
      remote: Comlink.wrap<Engine & ProbeRunner>(worker as Worker),
      died,
      dead: false,
      kill: (reason) => {
        if (connection.dead) return;
        connection.dead = true;
        stopWatching.abort(); // before terminate(), whose release of the lock is no crash
        worker.removeEventListener('error', onError);
        worker.removeEventListener('messageerror', onMessageError);
        worker.removeEventListener('message', onMessage);
        worker.terminate();
        reject(new EngineCrashError(reason));
      },
    };
    const crash = (message: string) => {
      if (connection.dead) return;
      connection.kill(`the engine stopped: ${message}`);
      for (const listener of this.#crashListeners) listener(message);
    };
    const onError = (event: Event) => {
      event.preventDefault();
      crash((event as ErrorEvent).message || 'the engine worker failed to start or threw an uncaught error');
    };
    const onMessageError = () => crash('a message from the engine worker could not be read');
    const watchLock = (name: string) => {
      if (!this.locks || connection.dead) return;
      // a rejection means the request was aborted: we ended the worker ourselves
      this.locks.request(name, { signal: stopWatching.signal }, () => crash(WORKER_CLOSED)).catch(() => {});
    };
    const onMessage = (event: Event) => {
      const data = (event as MessageEvent).data;
      if (isFatalMessage(data)) crash(describeError(data.message));
      else if (isAliveMessage(data)) watchLock(data.lock);
    };
    worker.addEventListener('error', onError);
    worker.addEventListener('messageerror', onMessageError);
    worker.addEventListener('message', onMessage);
    return connection;
  }
}
