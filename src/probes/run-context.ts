// What every probe runner gets: the engine (only the Engine interface), the optional hooks, the model's
// tokenizer, a label of the model for provenance, and progress and cancellation. Runners are plain async
// functions, so the worker can expose them through comlink and the CLI can call them directly.
import type { Engine } from '../engine/types.ts';
import type { ProbeHooks } from '../engine/probe-hooks.ts';
import type { ModelSwitcher } from './model-switch.ts';
import type { ModelLabel, ProbeKind, RopeVariant } from './provenance.ts';
import type { ProbeTokenizer } from './tokenizer.ts';

export interface ProbeProgress {
  probe: ProbeKind;
  /** Units of work (forward passes or generations) done and in all. */
  done: number;
  total: number;
  /** What is running now, e.g. "base ×4 · ctx 2048". */
  label: string;
}

export interface ProbeContext {
  engine: Pick<Engine, 'score' | 'generate' | 'setRope' | 'cancel'>;
  hooks?: ProbeHooks;
  tokenizer: ProbeTokenizer;
  /** The model of the first variant. */
  model: ModelLabel;
  /** Loads the model a variant names (variants with `model`); absent where the engine has one model only. */
  models?: ModelSwitcher;
  signal?: AbortSignal;
  onProgress?: (progress: ProbeProgress) => void;
}

/**
 * Runs `body` once per RoPE variant (its model loaded first when it names one, then setRope), cancelling
 * the engine when `signal` aborts, and leaves the engine on the model's own RoPE afterwards (the caller
 * re-applies an override it wants, and puts back the model it wants loaded). An abort surfaces as the
 * signal's reason (an AbortError DOMException by default).
 */
export async function forEachVariant<T>(
  ctx: ProbeContext,
  variants: readonly RopeVariant[],
  body: (variant: RopeVariant, index: number) => Promise<T>,
): Promise<T[]> {
  if (variants.length === 0) throw new RangeError('a probe needs at least one RoPE variant');
  const { engine, signal, models } = ctx;
  const switching = variants.some((v) => v.model !== undefined);
  if (switching && !models)
    throw new Error('this engine runs one model only: variants naming a model need an engine that can switch models');
  signal?.throwIfAborted();
  const onAbort = () => engine.cancel();
  signal?.addEventListener('abort', onAbort);
  try {
    const out: T[] = [];
    for (let i = 0; i < variants.length; i++) {
      if (switching) {
        await models!.use(variants[i].model ?? null);
        signal?.throwIfAborted(); // a load cannot be interrupted: stop right after it
      }
      await engine.setRope(variants[i].rope);
      out.push(await body(variants[i], i));
    }
    return out;
  } catch (err) {
    signal?.throwIfAborted(); // the engine's "cancelled" error becomes the abort
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // after a failed model load there is no model to reset: keep the load's error, not this one's
    await engine.setRope(null).catch((err: unknown) => {
      if (!switching) throw err;
    });
  }
}

/** Counts units of work and reports them; checks for an abort before each unit. */
export class ProgressCounter {
  private done = 0;

  constructor(
    private readonly ctx: ProbeContext,
    private readonly probe: ProbeKind,
    private readonly total: number,
  ) {}

  /** Call before a unit of work. */
  start(label: string): void {
    this.ctx.signal?.throwIfAborted();
    this.ctx.onProgress?.({ probe: this.probe, done: this.done, total: this.total, label });
  }

  /** Call after a unit of work. */
  finish(label: string): void {
    this.done++;
    this.ctx.onProgress?.({ probe: this.probe, done: this.done, total: this.total, label });
  }
}
