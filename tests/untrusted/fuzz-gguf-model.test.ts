// Seeded, time-bounded fuzzing of the whole header path of a real model: stories260K.gguf with bits
// flipped, bytes truncated, and counts, dimensions and metadata numbers rewritten to extreme values,
// through readGGUF → llamaConfigFromGGUF → the load budget at the trained context (an H100's limits, a
// 16 GiB machine), so a rewritten context_length reaches the budget too. Each
// case must be accepted, or refused with a one-line GGUFError or MemoryBudgetError, within a time
// bound: never a TypeError or RangeError from deep code, never a hang or a huge allocation.
// CI runs a short seed; a longer run: FUZZ_CASES=20000 FUZZ_SEED=7 FUZZ_SECONDS=600 npx vitest run tests/untrusted/fuzz-gguf-model.test.ts
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryBudgetError } from '../../src/engine/gpu/device.ts';
import { checkLoadBudget, weightFootprint } from '../../src/engine/load-budget.ts';
import { llamaConfigFromGGUF } from '../../src/engine/model-config.ts';
import { GGMLType, GGUFError, bytesSource, readGGUF, writeGGUF } from '../../src/gguf/index.ts';
import { mulberry32 } from '../../src/probes/random.ts';
import { TokenizerError, createTokenizer } from '../../src/tokenizer/index.ts';
import { requireTestFiles, STORIES_GGUF } from '../helpers/shared.ts';

const haveSharedModels = requireTestFiles('fuzzing stories260K.gguf', STORIES_GGUF);

const CASES = Number(process.env.FUZZ_CASES ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
/** The run stops early (reporting how far it got) after this long; CI's whole test stays under 10 s. */
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 6);
const CASE_MS = 1000;
/** Also build the vocabulary (createTokenizer), as a load does next: local runs only (FUZZ_TOKENIZER=1). */
const TOKENIZER = process.env.FUZZ_TOKENIZER === '1';
const GiB = 2 ** 30;
const DEVICE = { limits: { maxStorageBufferBindingSize: 4 * GiB - 4, maxBufferSize: 64 * GiB } };
const MACHINE = { total: 16 * GiB, source: 'the fuzz machine' };

/** Where a count or number sits in the unmutated header: field offset and width in bytes. */
interface Field {
  at: number;
  bytes: 4 | 8;
  float?: boolean;
  what: string;
}

/** Walks the valid header once, recording the offsets of every count, length, dimension and scalar. */
function fields(bytes: Uint8Array): Field[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  const out: Field[] = [
    { at: 8, bytes: 8, what: 'tensor count' },
    { at: 16, bytes: 8, what: 'metadata count' },
  ];
  let p = 24;
  const u64 = () => {
    const n = Number(v.getBigUint64(p, true));
    p += 8;
    return n;
  };
  const u32 = () => {
    const n = v.getUint32(p, true);
    p += 4;
    return n;
  };
  const str = (what: string) => {
    out.push({ at: p, bytes: 8, what });
    const n = u64();
    p += n;
  };
  const SIZES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
  const value = (type: number, key: string) => {
    if (type === 8) return str(`length of ${key}`);
    if (type === 9) {
      const element = u32();
      out.push({ at: p, bytes: 8, what: `length of array ${key}` });
      const n = u64();
      for (let i = 0; i < n; i++) value(element, key);
      return;
    }
    if (type === 4 || type === 5 || type === 6) out.push({ at: p, bytes: 4, float: type === 6, what: key });
    if (type === 10 || type === 11 || type === 12) out.push({ at: p, bytes: 8, float: type === 12, what: key });
    p += SIZES[type];
  };
  const tensors = Number(v.getBigUint64(8, true));
  const kvs = Number(v.getBigUint64(16, true));
  for (let i = 0; i < kvs; i++) {
    const keyAt = p;
    str('key length');
    const key = new TextDecoder().decode(bytes.subarray(keyAt + 8, p));
    value(u32(), key);
  }
  for (let i = 0; i < tensors; i++) {
    str('tensor name length');
    out.push({ at: p, bytes: 4, what: 'dimension count' });
    const dims = u32();
    for (let d = 0; d < dims; d++) {
      out.push({ at: p, bytes: 8, what: `dim ${d}` });
      p += 8;
    }
    out.push({ at: p, bytes: 4, what: 'tensor type' });
    p += 4;
    out.push({ at: p, bytes: 8, what: 'tensor offset' });
    p += 8;
  }
  // a few of each kind: the vocabulary's 3 × 512 entries would otherwise be most of the picks
  const seen = new Map<string, number>();
  return out.filter((f) => {
    const n = (seen.get(f.what) ?? 0) + 1;
    seen.set(f.what, n);
    return n <= 4;
  });
}

const EXTREME_INTS = [
  0,
  1,
  2,
  3,
  7,
  8,
  9,
  16,
  31,
  64,
  255,
  256,
  511,
  513,
  1024,
  65_535,
  2 ** 20,
  2 ** 24,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 - 1,
];
const EXTREME_U64 = [2n ** 64n - 1n, 2n ** 63n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 32n, 2n ** 40n];
const EXTREME_FLOATS = [0, -0, -1e-5, 1e30, -1e30, Infinity, -Infinity, NaN, 1e-45, 0.5, 1e6, 3.4e38];

function mutate(base: Uint8Array, header: Field[], headerEnd: number, random: () => number): Uint8Array {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  let bytes = base.slice();
  const steps = 1 + Math.floor(random() * 2);
  for (let s = 0; s < steps; s++) {
    const view = new DataView(bytes.buffer);
    const kind = random();
    if (kind < 0.4) {
      // a count, length, dimension or metadata number rewritten (offsets are the unmutated file's)
      const f = pick(header);
      if (f.at + f.bytes > bytes.length) continue;
      if (f.float && f.bytes === 4) view.setFloat32(f.at, pick(EXTREME_FLOATS), true);
      else if (f.float) view.setFloat64(f.at, pick(EXTREME_FLOATS), true);
      else if (f.bytes === 4) view.setUint32(f.at, random() < 0.8 ? pick(EXTREME_INTS) : Math.floor(random() * 2 ** 32), true);
      else view.setBigUint64(f.at, random() < 0.6 ? BigInt(pick(EXTREME_INTS)) : pick(EXTREME_U64), true);
    } else if (kind < 0.8) {
      // bit flips, mostly in the header's numbers and names
      for (let i = 0, n = 1 + Math.floor(random() * 3); i < n; i++) {
        const at = random() < 0.85 ? Math.floor(random() * Math.min(headerEnd, bytes.length)) : Math.floor(random() * bytes.length);
        bytes[at] ^= 1 << Math.floor(random() * 8);
      }
    } else if (kind < 0.95) {
      bytes = bytes.slice(0, Math.floor(random() * bytes.length)); // truncation
    } else {
      const at = Math.floor(random() * Math.min(headerEnd, bytes.length)); // a range of the header deleted
      const cut = Math.min(bytes.length, at + 1 + Math.floor(random() * 8));
      const shorter = new Uint8Array(bytes.length - (cut - at));
      shorter.set(bytes.subarray(0, at));
      shorter.set(bytes.subarray(cut), at);
      bytes = shorter;
    }
  }
  return bytes;
}

type Outcome = 'accepted' | 'refused' | 'other';

async function runCase(bytes: Uint8Array, name: string): Promise<{ outcome: Outcome; detail: string }> {
  try {
    const file = await readGGUF(bytesSource(bytes, name));
    const config = llamaConfigFromGGUF(file);
    const weights = weightFootprint(file, config, DEVICE);
    checkLoadBudget(
      config,
      weights,
      { context: Math.max(2, config.trainedContext), kvCache: 'f32', batch: 32, promptAttention: 'flash' },
      { device: DEVICE, memory: MACHINE },
    );
    if (TOKENIZER) createTokenizer(file.metadata);
    return { outcome: 'accepted', detail: '' };
  } catch (err) {
    const named = err instanceof GGUFError || err instanceof MemoryBudgetError || (TOKENIZER && err instanceof TokenizerError);
    const message = err instanceof Error ? err.message : String(err);
    if (named && message.length > 0 && !/[\r\n]/.test(message)) return { outcome: 'refused', detail: message };
    return { outcome: 'other', detail: `${err instanceof Error ? err.name : typeof err}: ${message.slice(0, 300)}` };
  }
}

describe.skipIf(!haveSharedModels)('fuzzing stories260K.gguf through the reader, the model config and the load budget', () => {
  it(
    `${CASES} seeded cases: each accepted or refused in one named line, quickly`,
    async () => {
      const base = new Uint8Array(readFileSync(STORIES_GGUF));
      const header = fields(base);
      const headerEnd = (await readGGUF(bytesSource(base))).dataOffset;
      const random = mulberry32(SEED);
      const counts = { accepted: 0, refused: 0, other: 0, slow: 0 };
      const others: string[] = [];
      const reasons = new Map<string, number>();
      const started = performance.now();
      let done = 0;
      for (; done < CASES && performance.now() - started < SECONDS * 1000; done++) {
        const mutant = mutate(base, header, headerEnd, random);
        const t0 = performance.now();
        const { outcome, detail } = await runCase(mutant, `case ${done}`);
        const ms = performance.now() - t0;
        counts[outcome]++;
        if (ms > CASE_MS) {
          counts.slow++;
          others.push(`case ${done} (seed ${SEED}) took ${ms.toFixed(0)} ms`);
        }
        if (outcome === 'other') others.push(`case ${done} (seed ${SEED}): ${detail}`);
        if (outcome === 'refused') {
          const reason = detail
            .replace(/^case \d+: /, '')
            .replace(/\d+/g, 'N')
            .slice(0, 60);
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        }
      }
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `fuzz-gguf-model seed ${SEED}: ${done} cases in ${seconds.toFixed(1)} s: ${counts.accepted} accepted, ${counts.refused} refused cleanly, ` +
          `${counts.other} other, ${counts.slow} over ${CASE_MS} ms; ${reasons.size} distinct refusals`,
      );
      if (process.env.FUZZ_VERBOSE)
        for (const [r, n] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(6)}  ${r}`);
      expect(others, others.slice(0, 10).join('\n')).toEqual([]);
      expect(done).toBeGreaterThanOrEqual(Math.min(CASES, 300));
      expect(counts.refused).toBeGreaterThan(done / 4);
      expect(counts.accepted).toBeGreaterThan(0);
    },
    (SECONDS + 30) * 1000,
  );
});

describe('a refusal stays one line', () => {
  it('when the name it quotes holds a line break (a case the fuzzing found)', async () => {
    const name = `output_norm.weight\n@${'x'.repeat(60)}`;
    const bytes = writeGGUF([], [{ name, dims: [1], type: GGMLType.F32, data: new Uint8Array(4) }]);
    const refusal = readGGUF(bytesSource(bytes, 'bad.gguf'));
    await expect(refusal).rejects.toThrow(GGUFError);
    await expect(refusal).rejects.toThrow(/^bad\.gguf: tensor name 'output_norm\.weight\\u000a@x+' is longer than 63 bytes$/);
  });
});
