// `builtin:<name>` on the CLI: resolved against this checkout's public/models/ whatever the working
// directory, and a one-line error (exit 2) listing the built-in names when the name is unknown.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS_DIR, readBuiltinManifest } from '../../src/models/manifest-node.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const lab = (args: string[], cwd = ROOT, env: Record<string, string> = {}) =>
  spawnSync(`${ROOT}node_modules/.bin/tsx`, [`${ROOT}src/cli/main.ts`, ...args], {
    encoding: 'utf8',
    cwd,
    env: { ...process.env, ...env },
  });
const HAVE_ABF = existsSync(BUILTIN_MODELS_DIR + 'abf.gguf');
const HAVE_FAMILY = ['stage1', 'rope', 'pi', 'abf'].every((name) => existsSync(`${BUILTIN_MODELS_DIR}${name}.gguf`));

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

  it('looks in ROPE_LAB_MODELS_DIR when set (a bundled CLI away from the checkout)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rope-lab-models-'));
    writeFileSync(join(dir, 'models.json'), readFileSync(`${BUILTIN_MODELS_DIR}models.json`));
    const r = lab(['tokenize', '--model', 'builtin:pi', '--text', 'x'], ROOT, { ROPE_LAB_MODELS_DIR: dir });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`lab: --model: builtin:pi: its file ${dir}/pi.gguf is missing (built-in models: stage1, rope, pi, abf)`);
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

describe('lab probe --models', () => {
  it.each([
    [['--model', 'x.gguf', '--models', 'builtin:abf'], 'give --model or --models, not both'],
    [['--models', 'builtin:abf,,builtin:pi'], "--models must be a comma-separated list of models, got 'builtin:abf,,builtin:pi'"],
    [['--models', 'builtin:abf,builtin:abf'], "--models lists 'builtin:abf' twice"],
    [['--models', 'builtin:nope'], "--models: no built-in model 'nope' (built-in models: stage1, rope, pi, abf)"],
    [['--models', 'missing.gguf'], "--models: no such file 'missing.gguf'"],
  ])('%j: %s', (args, message) => {
    const r = lab(['probe', 'loss-by-position', ...args]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`lab: ${message}`]);
  });

  it.skipIf(!HAVE_FAMILY)('refuses RoPE overrides and the CPU engine with --models', () => {
    expect(lab(['probe', 'passkey', '--models', 'builtin:rope,builtin:abf', '--variants', 'base:40000']).stderr).toContain(
      '--models compares the models under their own RoPE: leave out --rope-* and --variants',
    );
    expect(lab(['probe', 'passkey', '--models', 'builtin:rope,builtin:abf', '--engine', 'cpu']).stderr).toContain(
      '--models runs on the GPU engine (--engine gpu)',
    );
  });

  it.skipIf(!HAVE_FAMILY)('runs one variant per model and names each model in the provenance', () => {
    const r = lab(
      ['probe', 'loss-by-position', '--models', 'builtin:stage1,builtin:abf', '--ctx', '64', '--text', 'sotu-2016-barack-obama', '--json'],
      tmpdir(),
    );
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as {
      series: Array<{ variant: { label: string; model: string }; meanLoss: number }>;
      provenance: { model: { name: string }; variantModels: Array<{ name: string; source: string; sha256: string | null }> };
    };
    expect(result.series.map((s) => [s.variant.label, s.variant.model])).toEqual([
      ['stage1', 'builtin:stage1'],
      ['abf', 'builtin:abf'],
    ]);
    for (const s of result.series) expect(s.meanLoss).toBeGreaterThan(0);
    const manifest = readBuiltinManifest();
    expect(result.provenance.model.name).toBe('stage1');
    expect(result.provenance.variantModels).toEqual(
      ['stage1', 'abf'].map((name) =>
        expect.objectContaining({
          name,
          source: `builtin:${name}`,
          sha256: manifest.models.find((m) => m.name === name)!.sha256,
        }),
      ),
    );
  });
});
