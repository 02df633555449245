// Turns whatever a load threw into one sentence for the model panel: a bad file, a network failure, a
// model too big for the GPU, a crashed engine. Errors cross the worker boundary as plain Errors that keep
// their `name`, so the kind is told by name, not by class.

/** The browser cannot run the engine at all; the message says how to fix that. */
export class WebGPUUnavailableError extends Error {
  override readonly name = 'WebGPUUnavailable';
}

/** `what` names the thing being loaded (a URL, a file name). */
export function describeLoadError(err: unknown, what: string): string {
  const name = err instanceof Error ? err.name : '';
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'WebGPUUnavailable') return message;
  if (name === 'GGUFError') return `${what} is not a usable GGUF model: ${message}`;
  if (name === 'EngineCrashError') return `${capitalize(message)}. Load the model again.`;
  if (name === 'ModelCacheError') return `Model cache: ${message}`;
  if (name === 'TypeError' && /fetch|network/i.test(message)) {
    return `Could not download ${what}: the request failed (offline, a wrong address, or a server that does not allow cross-origin requests).`;
  }
  if (/out of memory|maxBufferSize|maxStorageBufferBindingSize|per storage binding|too (big|large)/i.test(message)) {
    return `The model is too big for this GPU: ${message}`;
  }
  return `Loading ${what} failed: ${message}`;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
