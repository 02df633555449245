// Mutation fuzzing of every parser of untrusted page input (issue 19): the experiment (parseExperiment,
// and `?s=` through decodeExperimentFromSearch), probe requests (parseProbeRequest, and `?probe=` through
// probeFromSearch) and the embed messages (readIncoming, then parseExperiment as the bridge does). Valid
// inputs are mutated with prototype-named keys, wrong types, huge and non-finite numbers, long strings,
// deep nesting, shared references, cycles, typed arrays and bigints (what structured clone can carry).
// Every case must be accepted or refused with a one-line message: never another exception, never slower
// than a bound. Seeded (mulberry32), so a failure names a reproducible case. FUZZ_SEED / FUZZ_CASES
// (cases per target) run a bigger search locally; CI runs the default.
import { describe, expect, it } from 'vitest';
import { readIncoming } from '../../src/embed/protocol.ts';
import { mulberry32 } from '../../src/probes/random.ts';
import { parseProbeRequest } from '../../src/probes/request.ts';
import { ROPE_PRESETS } from '../../src/rope/index.ts';
import { defaultExperiment } from '../../src/state/defaults.ts';
import { parseExperiment, serialiseExperiment } from '../../src/state/parseExperiment.ts';
import { probeFromSearch } from '../../src/state/probeUrl.ts';
import { decodeExperimentFromSearch } from '../../src/state/urlCodec.ts';
import { aliasedArrayTree } from '../helpers/hostile-values.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 19);
const CASES = Number(process.env.FUZZ_CASES ?? 1500);
/** No single case may take longer (the hostile inputs this guards against took minutes). */
const CASE_BOUND_MS = 1000;

type Random = () => number;
const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)];
const int = (r: Random, max: number) => Math.floor(r() * (max + 1));

const PROTO_KEYS = [
  'hasOwnProperty',
  'valueOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupGetter__',
  'isPrototypeOf',
  'toString',
  'constructor',
  '__proto__',
  'prototype',
];

function nested(depth: number, leaf: unknown, asObject: boolean): unknown {
  let v = leaf;
  for (let d = 0; d < depth; d++) v = asObject ? { a: v } : [v];
  return v;
}

/** A hostile value; `json` keeps to what JSON.stringify can write at a sane size (the URL targets). */
function nasty(r: Random, json: boolean): unknown {
  const plain: Array<() => unknown> = [
    () => pick(r, [NaN, Infinity, -Infinity, -0, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 2 ** 31, 5e-324, 4096, 10000, 1e21]),
    () =>
      pick(r, ['', 'NaN', '1e999', 'default', 'yarn', 'decay', '#4e79a7', 'user', 'builtin:abf', '<script>', 'a\nb', '\u2028', '\ud800']),
    () => 'x'.repeat(pick(r, [61, 81, 1000, 40_000])),
    () => pick(r, [null, true, false, [], {}, [[]], [1, 2, 3], { headDim: 128 }]),
    () => new Array(int(r, 5000)).fill(pick(r, [1, 4096, 0.5, 'moby-dick'])),
    () => nested(1 + int(r, 40), pick(r, [1, 'x', null]), r() < 0.5),
    () => JSON.parse(`{${JSON.stringify(pick(r, PROTO_KEYS))}:${pick(r, ['1', '{}', '"x"', 'null'])}}`),
    () => aliasedArrayTree(2 + int(r, 3), 1 + int(r, 3)),
  ];
  if (json) return pick(r, plain)();
  const cloned: Array<() => unknown> = [
    () =>
      r() < 0.05
        ? new Uint8Array(20 * 2 ** 20)
        : pick(r, [(n: number) => new Uint8Array(n), (n: number) => new Float64Array(n), (n: number) => new Int32Array(n)])(
            int(r, 2 ** 16),
          ),
    () => aliasedArrayTree(pick(r, [64, 256, 1024]), 2 + int(r, 4)),
    () => {
      const c: Record<string, unknown> = { a: 1 };
      c.self = c;
      return r() < 0.5 ? c : [c];
    },
    () => pick(r, [1n, 2n ** 70n, -5n]),
    () =>
      pick(r, [
        new Map([['a', 1]]),
        new Set([1]),
        new Date(0),
        /x/,
        new ArrayBuffer(8),
        Object.assign(Object.create(null), { headDim: 128 }),
      ]),
    () => {
      const a: unknown[] = [];
      a.length = pick(r, [2000, 5000, 1e6, 2 ** 32 - 1]);
      return a;
    },
    () => 'y'.repeat(pick(r, [300_000, 5_000_000])),
    () => nested(pick(r, [9, 100, 5000]), 1, r() < 0.5),
  ];
  return r() < 0.6 ? pick(r, plain)() : pick(r, cloned)();
}

/** Containers along a random path from the root (the root first). */
function containers(root: unknown, r: Random): Array<Record<string, unknown> | unknown[]> {
  const found: Array<Record<string, unknown> | unknown[]> = [];
  let node = root;
  while (typeof node === 'object' && node !== null && !ArrayBuffer.isView(node) && found.length < 12) {
    found.push(node as Record<string, unknown>);
    const keys = Object.keys(node).slice(0, 64);
    if (keys.length === 0 || r() < 0.25) break;
    node = (node as Record<string, unknown>)[pick(r, keys)];
  }
  return found;
}

/** 1–3 mutations of a deep copy of `base`. */
function mutate(base: unknown, r: Random, json: boolean): unknown {
  const root = { value: structuredClone(base) };
  for (let m = 1 + int(r, 2); m > 0; m--) {
    const path = containers(root, r);
    const target = pick(r, path.slice(1).length ? path.slice(1) : path);
    const keys = Object.keys(target);
    const key = keys.length && r() < 0.7 ? pick(r, keys) : pick(r, [...PROTO_KEYS, 'extra', 'é', 'a\nb', 'k'.repeat(200)]);
    const action = r();
    if (action < 0.55) Object.defineProperty(target, key, { value: nasty(r, json), enumerable: true, writable: true, configurable: true });
    else if (action < 0.7) delete (target as Record<string, unknown>)[key];
    else if (action < 0.85 && keys.length) {
      const other = pick(r, keys); // a value moved where another belongs: right shape, wrong place
      Object.defineProperty(target, key, {
        value: (target as Record<string, unknown>)[other],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else Object.defineProperty(target, key, { value: pick(r, PROTO_KEYS), enumerable: true, writable: true, configurable: true });
  }
  return root.value;
}

function validExperiment(r: Random): Record<string, unknown> {
  const state = serialiseExperiment(defaultExperiment()) as { series: Array<{ config: unknown }>; focus: number; pair: number };
  for (const s of state.series) if (r() < 0.5) s.config = structuredClone(pick(r, ROPE_PRESETS).config);
  state.pair = 0;
  return state as unknown as Record<string, unknown>;
}

const ROPE = { headDim: 128, base: 10000, type: 'default' };
const REQUESTS: Array<[string, Record<string, unknown>]> = [
  [
    'passkey',
    {
      lengths: [1024],
      depths: [0, 0.5, 1],
      trials: 3,
      seed: 42,
      variants: [
        { label: 'own', rope: null },
        { label: 'ABF', rope: { ...ROPE, base: 500000 } },
      ],
    },
  ],
  ['loss-by-position', { texts: ['sotu-1790-george-washington', 'user'], ctx: 2048, binsPerOctave: 2 }],
  ['perplexity', { text: 'moby-dick', method: 'sliding', contexts: [512, 1024], stride: 256, maxWindows: 4 }],
  ['attention-distance', { text: 'user', ctx: 512, queryBinEdges: [0, 64, 512], mapOf: { layer: 2, head: 3 } }],
  [
    'first-sentence',
    {
      texts: ['moby-dick'],
      lengths: [256],
      trials: 1,
      seed: -7,
      extraTokens: 8,
      variants: [{ label: 'PI', rope: { ...ROPE, type: 'linear', factor: 2 }, model: 'builtin:pi' }],
    },
  ],
];

/** base64url of a value's JSON (a mutation may leave `undefined`, which JSON writes as nothing). */
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value) ?? '', 'utf8').toString('base64url');

/** Corrupts an encoded URL parameter as a mangled copy-paste would. */
function mangle(text: string, r: Random): string {
  const at = int(r, text.length);
  switch (int(r, 3)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + pick(r, ['%', '+', '=', '/', 'é', '\u0000', 'A'.repeat(40_000)]) + text.slice(at);
    case 2:
      return text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ (1 << int(r, 6))) + text.slice(at + 1);
    default:
      return text;
  }
}

type Outcome = { accepted: true; ignored?: true } | { accepted: false; message: unknown };
const refused = (message: unknown): Outcome => ({ accepted: false, message });
const ok: Outcome = { accepted: true };

/** Each target builds its input from the case's generator, then returns the parse to run (and time). */
const TARGETS: Record<string, (r: Random) => () => Outcome> = {
  parseExperiment: (r) => {
    const input = mutate(validExperiment(r), r, false);
    return () => {
      const parsed = parseExperiment(input);
      if (!parsed.ok) return refused(parsed.error);
      // An accepted experiment is a valid one: it survives its own round trip.
      const again = parseExperiment(JSON.parse(JSON.stringify(serialiseExperiment(parsed.experiment))));
      if (!again.ok) throw new Error(`accepted an experiment that does not survive its round trip: ${again.error}`);
      return ok;
    };
  },
  'decodeExperimentFromSearch (?s=)': (r) => {
    const encoded = b64(mutate(validExperiment(r), r, true));
    const search = `?s=${r() < 0.2 ? mangle(encoded, r) : encoded}${r() < 0.1 ? '&view=' + pick(r, ['rotation', 'x', '%']) : ''}`;
    return () => {
      const decoded = decodeExperimentFromSearch(search);
      return decoded.kind === 'invalid' ? refused(decoded.error) : ok;
    };
  },
  parseProbeRequest: (r) => {
    const [probe, options] = pick(r, REQUESTS);
    const kind = r() < 0.05 ? nasty(r, false) : probe;
    const input = mutate(options, r, false);
    return () => {
      const parsed = parseProbeRequest(kind, input);
      if (!parsed.ok) return refused(parsed.error);
      // An accepted request is a valid one: it survives the round trip through a link.
      const { probe: again, ...rest } = parsed.request;
      const reparsed = parseProbeRequest(again, JSON.parse(JSON.stringify(rest)));
      if (!reparsed.ok) throw new Error(`accepted a request that does not survive its round trip: ${reparsed.error}`);
      return ok;
    };
  },
  'probeFromSearch (?probe=)': (r) => {
    const [probe, options] = pick(r, REQUESTS);
    const encoded = b64(mutate({ probe, options }, r, true));
    const search = `?probe=${r() < 0.2 ? mangle(encoded, r) : encoded}`;
    return () => {
      const decoded = probeFromSearch(search);
      return decoded.kind === 'invalid' ? refused(decoded.error) : ok;
    };
  },
  'readIncoming (embed messages)': (r) => {
    const [probe, options] = pick(r, REQUESTS);
    const base = pick(r, [
      { type: 'rope-lab:set', state: validExperiment(r) },
      { type: 'rope-lab:run', probe, options, text: 'Call me Ishmael.' },
      { type: 'rope-lab:get' },
      { type: 'rope-lab:export', format: 'svg' },
    ]);
    const data = mutate(base, r, false);
    // Mostly keep the type, so the cases reach the validators rather than the "not ours" path.
    if (r() < 0.9 && typeof data === 'object' && data !== null && !ArrayBuffer.isView(data)) {
      Object.defineProperty(data, 'type', { value: base.type, enumerable: true, writable: true, configurable: true });
    }
    return () => {
      const message = readIncoming(data);
      if (message === null) return { accepted: true, ignored: true }; // not ours: other scripts share the channel
      if ('error' in message) return refused(message.error);
      if (message.type !== 'rope-lab:set') return ok;
      const parsed = parseExperiment(message.state); // as the bridge does
      return parsed.ok ? ok : refused(parsed.error);
    };
  },
};

const isOneLine = (m: unknown): m is string => typeof m === 'string' && m.length > 0 && m.length <= 600 && !/[\n\r\u2028\u2029]/.test(m);

describe('fuzzing the URL, probe and embed parsers', () => {
  it(`${CASES} mutated inputs per parser (seed ${SEED}) are accepted or refused in one line, each within ${CASE_BOUND_MS} ms`, () => {
    const report: string[] = [];
    const problems: string[] = [];
    for (const [name, run] of Object.entries(TARGETS)) {
      const counts = { cases: 0, accepted: 0, ignored: 0, refused: 0, other: 0 };
      let slowest = 0;
      for (let i = 0; i < CASES; i++) {
        const caseSeed = (SEED * 1_000_003 + i) | 0;
        const parse = run(mulberry32(caseSeed));
        const start = performance.now();
        let outcome: Outcome | Error;
        try {
          outcome = parse();
        } catch (err) {
          outcome = err instanceof Error ? err : new Error(String(err));
        }
        const ms = performance.now() - start;
        slowest = Math.max(slowest, ms);
        counts.cases++;
        let problem: string | null = null;
        if (outcome instanceof Error) problem = `threw ${outcome.name}: ${outcome.message.slice(0, 200)}`;
        else if (!outcome.accepted && !isOneLine(outcome.message))
          problem = `refused without a one-line message: ${JSON.stringify(String(outcome.message).slice(0, 200))}`;
        else if (ms > CASE_BOUND_MS) problem = `took ${ms.toFixed(0)} ms`;
        if (problem) {
          counts.other++;
          if (problems.length < 20) problems.push(`${name}, case seed ${caseSeed}: ${problem}`);
        } else if ((outcome as Outcome).accepted) {
          counts.accepted++;
          if ((outcome as { ignored?: true }).ignored) counts.ignored++;
        } else counts.refused++;
      }
      const ignored = counts.ignored ? ` (${counts.ignored} of them ignored: no rope-lab: type)` : '';
      report.push(
        `${name}: ${counts.cases} cases, ${counts.accepted} accepted${ignored}, ${counts.refused} refused cleanly, ${counts.other} anything else; slowest parse ${slowest.toFixed(1)} ms`,
      );
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
    console.log(`fuzz seed ${SEED}:\n  ${report.join('\n  ')}`);
    expect(problems).toEqual([]);
  });
});
