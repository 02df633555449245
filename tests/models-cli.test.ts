// `builtin:<name>` on the CLI: resolved against this checkout's public/models/ whatever the working
// directory, and a one-line error (exit 2) listing the built-in names when the name is unknown.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS_DIR } from '../src/models/manifest-node.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const lab = (args: string[], cwd = ROOT) =>
  spawnSync(`${ROOT}node_modules/.bin/tsx`, [`${ROOT}src/cli/main.ts`, ...args], { encoding: 'utf8', cwd });
const HAVE_ABF = existsSync(BUILTIN_MODELS_DIR + 'abf.gguf');

describe('lab --model builtin:<name>', () => {
  it('names an unknown built-in model in one line, listing the names', () => {
    const r = lab(['tokenize', '--model', 'builtin:nope', '--text', 'x']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(["lab: --model: no built-in model 'nope' (built-in models: stage1, rope, pi, abf)"]);
  });

  it('names a malformed reference instead of looking for a file called that', () => {
    const r = lab(['inspect', 'builtin:../abf']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("inspect: 'builtin:../abf' is not a built-in model reference");
  });

  it.skipIf(!HAVE_ABF)('reads public/models/abf.gguf of the checkout, from any working directory', () => {
    const byName = lab(['tokenize', '--model', 'builtin:abf', '--text', 'We the People', '--json'], tmpdir());
    const byPath = lab(['tokenize', '--model', `${BUILTIN_MODELS_DIR}abf.gguf`, '--text', 'We the People', '--json']);
    expect(byName.stderr).toBe('');
    expect(byName.status).toBe(0);
    expect(JSON.parse(byName.stdout).ids.length).toBeGreaterThan(1);
    expect(byName.stdout).toBe(byPath.stdout);
    const inspected = lab(['inspect', 'builtin:abf', '--json'], tmpdir());
    expect(inspected.status).toBe(0);
    expect(JSON.parse(inspected.stdout).source).toMatch(/public\/models\/abf\.gguf$/);
  });
});
