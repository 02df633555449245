// Untrusted data (a link's JSON, a host page's postMessage, a stored record) is walked once under a
// budget before any parser reads it. postMessage's structured clone carries what JSON cannot — typed
// arrays of any size, one array referenced a thousand times per level, cycles, bigints — so a small
// message can stand for an enormous tree: every visit counts, shared references included, and the walk
// stops at the first bound passed, naming it. `quote` and `showKey` render untrusted values and keys in
// error messages: short, one line, and never walking more than they show.

export interface DataBudget {
  /** Values visited, every visit counted (an array referenced twice is two visits of all it holds). */
  maxNodes: number;
  /** Nesting below the root (the root is depth 0). */
  maxDepth: number;
  /** Entries of one array. */
  maxArray: number;
  /** Characters of every string and key together. */
  maxChars: number;
  /** Keys refused anywhere in the tree. */
  forbiddenKeys?: ReadonlySet<string>;
}

/** `Object.prototype.toString`'s tag (Object, Array, Uint8Array, Map, …): realm-independent, calls no getter. */
function tagOf(value: object): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

/** What a non-JSON value is, for a message: "a Uint8Array of 20971520 bytes", "a Map", "a bigint". */
function describeForeign(value: unknown): string | null {
  if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') return `a ${typeof value}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  if (ArrayBuffer.isView(value)) return `a ${tagOf(value)} of ${value.byteLength} bytes`;
  const tag = tagOf(value);
  if (tag === 'ArrayBuffer' || tag === 'SharedArrayBuffer') return `an ${tag} of ${(value as ArrayBuffer).byteLength} bytes`;
  return tag === 'Object' ? null : `a ${tag}`;
}

/**
 * Checks that `value` is plain JSON-like data (objects, dense arrays, strings, numbers, booleans, null;
 * undefined only as an absent property) within `budget`; returns null, or the first problem in one line
 * naming its path and bound.
 */
export function checkPlainData(value: unknown, path: string, budget: DataBudget): string | null {
  let nodes = 0;
  let chars = 0;
  const countChars = (n: number) => {
    chars += n;
    return chars > budget.maxChars ? `${path} holds more than ${budget.maxChars} characters of text and keys` : null;
  };
  const visit = (v: unknown, at: string, depth: number): string | null => {
    if (++nodes > budget.maxNodes)
      return `${path} holds more than ${budget.maxNodes} values (every visit counted, shared references included)`;
    if (typeof v === 'string') return countChars(v.length);
    if (typeof v !== 'object' || v === null) {
      const foreign = describeForeign(v);
      return foreign ? `${at} is ${foreign}, not JSON data` : null;
    }
    if (depth >= budget.maxDepth) return `${at} is nested too deeply (at most ${budget.maxDepth} levels)`;
    if (Array.isArray(v)) {
      if (v.length > budget.maxArray) return `${at} has ${v.length} entries (at most ${budget.maxArray})`;
      // Structured clone keeps an array's named properties; an own `constructor` breaks map() (species).
      const keys = Object.keys(v);
      if (keys.length > v.length) {
        const named = keys.find((k) => !/^(0|[1-9]\d*)$/.test(k))!;
        return `${at} has a property '${showKey(named)}' besides its entries, not JSON data`;
      }
      for (let i = 0; i < v.length; i++) {
        // JSON has neither: a hole or an undefined entry would slip past `map` and `forEach` in the parsers.
        if (!(i in v)) return `${at}[${i}] is missing (a sparse array), not JSON data`;
        if (v[i] === undefined) return `${at}[${i}] is undefined, not JSON data`;
        const problem = visit(v[i], `${at}[${i}]`, depth + 1);
        if (problem) return problem;
      }
      return null;
    }
    const foreign = describeForeign(v);
    if (foreign) return `${at} is ${foreign}, not JSON data`;
    for (const key of Object.keys(v)) {
      if (budget.forbiddenKeys?.has(key)) return `${at} contains the forbidden key '${showKey(key)}'`;
      const problem = countChars(key.length) ?? visit((v as Record<string, unknown>)[key], `${at}.${showKey(key)}`, depth + 1);
      if (problem) return problem;
    }
    return null;
  };
  return visit(value, path, 0);
}

/** JSON.stringify leaves U+2028/U+2029 unescaped; a message must stay on one line. */
const oneLine = (json: string) => json.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/**
 * An untrusted value for an error message: JSON-like, one line, at most `max` characters (then '…').
 * It stops walking once the text is full, so shared references and cycles cost nothing extra.
 */
export function quote(value: unknown, max = 80): string {
  let out = '';
  let full = false;
  const put = (s: string) => {
    if (full) return;
    if (out.length + s.length <= max) {
      out += s;
      return;
    }
    out += `${s.slice(0, max - out.length)}…`;
    full = true;
  };
  const walk = (v: unknown, inArray: boolean) => {
    if (full) return;
    if (typeof v === 'string') return put(oneLine(JSON.stringify(v.slice(0, max + 1))));
    if (typeof v === 'number' || typeof v === 'boolean' || v === null) return put(String(v));
    if (v === undefined) return put(inArray ? 'null' : 'undefined');
    const foreign = describeForeign(v);
    if (foreign) return put(`(${foreign})`);
    if (Array.isArray(v)) {
      put('[');
      for (let i = 0; i < v.length && !full; i++) {
        if (i > 0) put(',');
        walk(v[i], true);
      }
      return put(']');
    }
    put('{');
    let first = true;
    for (const key of Object.keys(v as object)) {
      if (full) break;
      const item = (v as Record<string, unknown>)[key];
      if (item === undefined) continue;
      if (!first) put(',');
      first = false;
      put(`${oneLine(JSON.stringify(key.slice(0, max + 1)))}:`);
      walk(item, false);
    }
    put('}');
  };
  walk(value, false);
  return out;
}

/** A key as a path segment or in quotes: plain keys as they are, anything else JSON-quoted and short. */
export function showKey(key: string): string {
  return /^[\w$-]{1,40}$/.test(key) ? key : quote(key, 40);
}
