// The one error type the GGUF layer throws for bad input, so callers can tell "this file is broken"
// (show the message to the user) from a bug in the lab (let it crash loudly).

/** A malformed, truncated or unsupported model file; the message names the problem and where it is. */
export class GGUFError extends Error {
  override readonly name = 'GGUFError';
}
