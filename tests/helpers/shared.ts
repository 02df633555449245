// Where the tests' real models and texts are, and the one gate for tests that need them.
//
// Two places, both outside the source tree and never copied into it:
// - the shared folder beside the checkout (../shared, or $ROPE_LAB_SHARED): stories260K in several
//   types, the Llama SPM vocabulary and its llama.cpp vectors, TinyStories text;
// - the test-model cache that `node scripts/test-models.mjs` fills ($ROPE_LAB_CACHE, else
//   $XDG_CACHE_HOME/rope-lab, else ~/.cache/rope-lab: that script's `cacheDir`): SmolLM2-135M.
//
// `requireTestFiles` is the only way a test should decide to skip on a missing file: under CI=true a
// missing file fails the run (CI fetches both, so absence is a broken setup, not a reason to skip),
// elsewhere the test skips with one loud line naming the file and how to get it.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, SMOLLM2 } from '../../scripts/test-models.mjs';

const withSlash = (dir: string) => (dir.endsWith('/') ? dir : `${dir}/`);

export const SHARED_DIR = withSlash(
  process.env.ROPE_LAB_SHARED ? resolve(process.env.ROPE_LAB_SHARED) : fileURLToPath(new URL('../../../shared/', import.meta.url)),
);
export const SHARED_MODELS = `${SHARED_DIR}models/`;
export const SHARED_TEXTS = `${SHARED_DIR}texts/`;

export const sharedModel = (name: string): string => SHARED_MODELS + name;
export const sharedText = (name: string): string => SHARED_TEXTS + name;

export const STORIES_GGUF = sharedModel('stories260K.gguf');
export const STORIES_GREEDY_REF = sharedModel('stories260K_greedy_ref.json');
/** stories260K in every weight type the shared folder holds, F32 first. */
export const STORIES_FILES = ['stories260K.gguf', 'stories260K-F16.gguf', 'stories260K-Q8_0.gguf', 'stories260K-Q4_0.gguf'] as const;
export const LLAMA_SPM_VOCAB = sharedModel('ggml-vocab-llama-spm.gguf');
export const TINYSTORIES_TEXT = sharedText('tinystories-sample-60k.txt');

// the cache scripts/test-models.mjs fills, by its own rule
const TEST_MODEL_CACHE = cacheDir();
export const SMOLLM2_Q4_1 = join(TEST_MODEL_CACHE, SMOLLM2.file);
export const SMOLLM2_F32 = join(TEST_MODEL_CACHE, SMOLLM2.f32);

/** How to get a missing file, by where it should have been. */
function howToGet(path: string): string {
  if (path.startsWith(TEST_MODEL_CACHE)) return 'fetch it with `node scripts/test-models.mjs`';
  if (path.startsWith(SHARED_DIR)) return `put the shared test data at ${SHARED_DIR} (or point ROPE_LAB_SHARED at it)`;
  return 'see docs/testing.md';
}

const warned = new Set<string>();

/**
 * True when every path exists. Otherwise, under CI=true, throws (the test file fails, naming the files);
 * elsewhere prints one loud line and returns false. Use as `describe.skipIf(!requireTestFiles('…', A, B))`.
 */
export function requireTestFiles(what: string, ...paths: string[]): boolean {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length === 0) return true;
  const message = `${what}: missing ${missing.join(', ')}; ${[...new Set(missing.map(howToGet))].join('; ')}`;
  if (process.env.CI === 'true')
    throw new Error(`${message}. CI must have every test file (../shared beside the checkout; .ci/run fetches the cache).`);
  if (!warned.has(message)) console.warn(`\n!!! SKIPPING ${message}\n`);
  warned.add(message);
  return false;
}
