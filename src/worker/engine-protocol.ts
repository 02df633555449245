// The one message the engine worker sends outside comlink: a fatal error nobody awaits (an unhandled
// rejection, a lost GPU device), so the page learns the engine is gone even while no call is pending.
// comlink ignores messages without an `id`, so this rides on the same channel.

export const FATAL_MESSAGE = 'rope-lab:engine-fatal';

export interface FatalMessage {
  type: typeof FATAL_MESSAGE;
  message: string;
}

export function isFatalMessage(data: unknown): data is FatalMessage {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === FATAL_MESSAGE;
}

export function describeError(reason: unknown): string {
  if (reason instanceof Error) return reason.message || reason.name;
  if (typeof reason === 'string') return reason;
  return String(reason);
}
