// The messages the engine worker sends outside comlink (comlink ignores messages without an `id`, so they
// ride on the same channel): a fatal error nobody awaits (an unhandled rejection, a lost GPU device), so
// the page learns the engine is gone even while no call is pending; and the name of the Web Lock the
// worker holds for as long as it lives, so the page learns when it ends without a word (self.close()).

export const FATAL_MESSAGE = 'rope-lab:engine-fatal';

export interface FatalMessage {
  type: typeof FATAL_MESSAGE;
  message: string;
}

export function isFatalMessage(data: unknown): data is FatalMessage {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === FATAL_MESSAGE;
}

export const ALIVE_MESSAGE = 'rope-lab:engine-alive';

export interface AliveMessage {
  type: typeof ALIVE_MESSAGE;
  /** A lock the worker holds until it ends; the browser releases it then, however the worker ended. */
  lock: string;
}

export function isAliveMessage(data: unknown): data is AliveMessage {
  const message = data as { type?: unknown; lock?: unknown } | null;
  return typeof data === 'object' && message !== null && message.type === ALIVE_MESSAGE && typeof message.lock === 'string';
}

export function describeError(reason: unknown): string {
  if (reason instanceof Error) return reason.message || reason.name;
  if (typeof reason === 'string') return reason;
  return String(reason);
}
