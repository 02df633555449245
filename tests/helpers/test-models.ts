// Where the real pretrained test models are: fetched by `node scripts/test-models.mjs` into a cache
// outside the source tree (never committed). A test that needs one and does not find it skips, with one
// loud line saying how to fetch it — except under CI=true, where `.ci/run` fetches them first, so a missing
// model is a failure.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const CACHE = join(process.env.ROPE_LAB_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'rope-lab'), 'models');

export const SMOLLM2_Q4_1 = join(CACHE, 'SmolLM2-135M-Instruct.Q4_1.gguf');
export const SMOLLM2_F32 = join(CACHE, 'SmolLM2-135M-Instruct.F32.gguf');

/**
 * True when every file is there. Otherwise throws under CI=true, and elsewhere prints one loud line and
 * returns false (use with `describe.skipIf(!needTestModels(…))`).
 */
export function needTestModels(what: string, ...paths: string[]): boolean {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length === 0) return true;
  const message = `${what}: missing ${missing.join(', ')}; fetch with \`node scripts/test-models.mjs\``;
  if (process.env.CI === 'true') throw new Error(`${message} (CI must have the test models: .ci/run fetches them)`);
  console.warn(`\n!!! SKIPPING ${message}\n`);
  return false;
}
