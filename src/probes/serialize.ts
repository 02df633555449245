// Probe results hold typed arrays (IndexedDB and comlink keep them as they are); JSON export and the CLI
// write them as plain arrays, and non-finite numbers (an empty bin's NaN) as null, as JSON requires.

/** A result as JSON text: typed arrays become arrays, NaN and ±Infinity become null. */
export function probeResultJson(result: unknown, indent?: number): string {
  return JSON.stringify(result, (_key, value: unknown) => (ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value as Float32Array) : value), indent);
}
