// Probe results hold typed arrays (IndexedDB and comlink keep them as they are); JSON export and the CLI
// write them as plain arrays, and non-finite numbers (an empty bin's NaN) as null, as JSON requires.

/** A result as JSON text: typed arrays become arrays, NaN and ±Infinity become null. */
export function probeResultJson(result: unknown, indent?: number): string {
  return JSON.stringify(
    result,
    (_key, value: unknown) => (ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value as Float32Array) : value),
    indent,
  );
}

/** Significant digits a float32 carries; a float64 printout of one is mostly noise and doubles a record. */
export const F32_DIGITS = 7;

/**
 * A result with every non-integer number rounded to F32_DIGITS significant digits (typed arrays become
 * arrays): measured values lose nothing they had, and a published run shrinks to about half. Requests
 * are not passed through here: they must stay exactly what the preset asks.
 */
export function roundMeasured(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) && !Number.isInteger(value) ? Number(value.toPrecision(F32_DIGITS)) : value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as Float32Array, (v) => roundMeasured(v) as number);
  if (Array.isArray(value)) return value.map(roundMeasured);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundMeasured(v)]));
  return value;
}
