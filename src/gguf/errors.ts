// The one error type the GGUF layer throws for bad input, so callers can tell "this file is broken"
// (show the message to the user) from a bug in the lab (let it crash loudly).

/** A malformed, truncated or unsupported model file; the message names the problem and where it is. */
export class GGUFError extends Error {
  override readonly name = 'GGUFError';

  constructor(message: string) {
    super(oneLine(message));
  }
}

/** Messages quote names and keys read from the file: their control characters are escaped, so a message stays one line. */
function oneLine(message: string): string {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  return message.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
