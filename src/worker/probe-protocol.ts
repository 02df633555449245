// What the engine worker offers beyond the Engine interface: one probe run at a time, with progress and
// cancel. An AbortSignal cannot cross comlink, so the AbortController lives in the worker and the page
// calls cancelProbe(). This file holds only types and a guard, so the page imports no GPU code with it.
import type { Engine } from '../engine/types.ts';
import type { ProbeProgress, ProbeRequest, ProbeResult } from '../probes/index.ts';

/** What a run needs that the request (plain, shareable data) does not carry. */
export interface ProbeInputs {
  /** The visitor's own text, for requests whose text id is 'user'. */
  userText?: string;
  /** Where the model came from (URL or `file:<name>`), for the result's provenance. */
  modelSource?: string;
}

export interface ProbeRunner {
  /** Runs a probe on the loaded model; rejects with an AbortError after cancelProbe(). */
  runProbe(request: ProbeRequest, inputs: ProbeInputs, onProgress?: (progress: ProbeProgress) => void): Promise<ProbeResult>;
  /** Stops the running probe between forward passes (no-op when none runs). */
  cancelProbe(): void;
}

export function isProbeRunner(engine: Engine): engine is Engine & ProbeRunner {
  const e = engine as Partial<ProbeRunner>;
  return typeof e.runProbe === 'function' && typeof e.cancelProbe === 'function';
}

export { contextNeeded } from '../probes/request.ts';
