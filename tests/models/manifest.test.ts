// The built-in model manifest: validation of every field (each problem named by its path), `builtin:`
// references, URL and path resolution, and the committed public/models/models.json itself (valid, and
// its hashes matching the files beside it once scripts/models-manifest.mjs has filled them in).
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinModelUrl, findBuiltinModel, isBuiltinRef, parseBuiltinRef, parseModelManifest } from '../../src/models/builtin.ts';
import { BUILTIN_MODELS_DIR, readBuiltinManifest, resolveBuiltinPath } from '../../src/models/manifest-node.ts';
import { webBuiltinCatalog } from '../../src/models/manifest-web.ts';

const entry = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  file: `${name}.gguf`,
  title: `Model ${name}`,
  description: 'A model.',
  stage: 'long-context',
  trainedContext: 2048,
  rope: 'base 10,000',
  bytes: null,
  sha256: null,
  ...extra,
});
const manifest = (extra: Record<string, unknown> = {}) => ({
  version: 1,
  default: 'a',
  models: [entry('a'), entry('b', { from: 'a' })],
  ...extra,
});

describe('parseModelManifest', () => {
  it('accepts a well-formed manifest and keeps its fields', () => {
    const m = parseModelManifest(manifest());
    expect(m.default).toBe('a');
    expect(m.models.map((x) => x.name)).toEqual(['a', 'b']);
    expect(m.models[1]).toEqual(entry('b', { from: 'a' }));
    expect('from' in m.models[0]).toBe(false);
  });

  it.each([
    [[], 'models.json: the manifest must be an object'],
    [manifest({ version: 2 }), 'models.json: version must be 1, got 2'],
    [manifest({ extra: 1 }), 'models.json: extra is not a manifest field'],
    [manifest({ models: [] }), 'models.json: models must be a list of 1 to 32 models'],
    [manifest({ default: 'zz' }), 'models.json: default must name one of the models (a, b), got "zz"'],
    [manifest({ models: [entry('a'), entry('a', { file: 'c.gguf' })] }), "models.json: models[1].name repeats 'a'"],
    [manifest({ models: [entry('a'), entry('b', { file: 'a.gguf' })] }), "models.json: models[1].file repeats 'a.gguf'"],
    [manifest({ models: [entry('A')] }), 'models.json: models[0].name must be lowercase letters, digits'],
    [manifest({ models: [entry('a', { file: '../a.gguf' })] }), 'models.json: models[0].file must be a plain file name ending in .gguf'],
    [manifest({ models: [entry('a', { stage: 'finetune' })] }), 'models.json: models[0].stage must be one of pretraining, long-context'],
    [manifest({ models: [entry('a', { trainedContext: 1.5 })] }), 'models.json: models[0].trainedContext must be an integer ≥ 2'],
    [manifest({ models: [entry('a', { bytes: 0 })] }), 'models.json: models[0].bytes must be a positive integer or null'],
    [manifest({ models: [entry('a', { sha256: 'ABC' })] }), 'models.json: models[0].sha256 must be 64 lowercase hex digits or null'],
    [manifest({ models: [entry('a', { title: '' })] }), 'models.json: models[0].title must be a non-empty string'],
    [manifest({ models: [entry('a', { colour: 'red' })] }), 'models.json: models[0].colour is not a model field'],
    [
      manifest({ models: [entry('a'), entry('b', { from: 'b' })] }),
      "models.json: models[1].from must name another model of the manifest, got 'b'",
    ],
  ])('refuses %j', (raw, message) => {
    expect(() => parseModelManifest(raw)).toThrow(message);
  });
});

describe('builtin: references', () => {
  it('parses names and leaves other model arguments alone', () => {
    expect(parseBuiltinRef('builtin:abf')).toBe('abf');
    expect(parseBuiltinRef('builtin:stage-1')).toBe('stage-1');
    expect(parseBuiltinRef('models/abf.gguf')).toBeNull();
    expect(parseBuiltinRef('https://example.com/builtin:abf')).toBeNull();
    expect(() => parseBuiltinRef('builtin:')).toThrow("'builtin:' is not a built-in model reference");
    expect(() => parseBuiltinRef('builtin:../x')).toThrow('is not a built-in model reference');
    expect(isBuiltinRef('builtin:pi')).toBe(true);
    expect(isBuiltinRef('builtin:Pi')).toBe(false);
    expect(isBuiltinRef(3)).toBe(false);
  });

  it('finds a model or lists the names there are', () => {
    const m = parseModelManifest(manifest());
    expect(findBuiltinModel(m, 'b').from).toBe('a');
    expect(() => findBuiltinModel(m, 'nope')).toThrow("no built-in model 'nope' (built-in models: a, b)");
  });

  it('makes the file URL against the site base, under models/', () => {
    const m = parseModelManifest(manifest());
    expect(builtinModelUrl(m, 'a', 'https://lab.example/')).toBe('https://lab.example/models/a.gguf');
    expect(builtinModelUrl(m, 'b', 'https://host.example/lab/')).toBe('https://host.example/lab/models/b.gguf');
  });
});

describe('resolveBuiltinPath (Node)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rope-lab-models-')) + '/';
  writeFileSync(dir + 'models.json', JSON.stringify(manifest()));
  writeFileSync(dir + 'a.gguf', 'GGUF');

  it('resolves a listed model whose file is there', () => {
    expect(resolveBuiltinPath('builtin:a', dir)).toEqual({ model: expect.objectContaining({ name: 'a' }), path: dir + 'a.gguf' });
    expect(resolveBuiltinPath('some/file.gguf', dir)).toBeNull();
  });

  it('names an unknown model and a missing file, listing the built-in names', () => {
    expect(() => resolveBuiltinPath('builtin:nope', dir)).toThrow("no built-in model 'nope' (built-in models: a, b)");
    expect(() => resolveBuiltinPath('builtin:b', dir)).toThrow(`builtin:b: its file ${dir}b.gguf is missing (built-in models: a, b)`);
  });

  it('names an unreadable manifest', () => {
    expect(() => readBuiltinManifest(dir + 'absent/')).toThrow('cannot read the built-in model manifest');
  });
});

describe('the committed manifest (public/models/models.json)', () => {
  const committed = readBuiltinManifest();

  it('lists the RoPE family, the ABF model as the default', () => {
    expect(committed.models.map((m) => m.name)).toEqual(['stage1', 'rope', 'pi', 'abf']);
    expect(committed.default).toBe('abf');
    expect(committed.models.filter((m) => m.stage === 'long-context').every((m) => m.from === 'stage1')).toBe(true);
  });

  it('states the size and hash of each file present (rerun scripts/models-manifest.mjs after replacing one)', () => {
    for (const model of committed.models) {
      const path = BUILTIN_MODELS_DIR + model.file;
      if (!existsSync(path) || model.sha256 === null) continue;
      const bytes = readFileSync(path);
      expect(model.bytes, model.name).toBe(bytes.byteLength);
      expect(model.sha256, model.name).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });
});

describe('webBuiltinCatalog (page and worker)', () => {
  const body = JSON.stringify(manifest());

  it('fetches models.json under the site base once, validated', async () => {
    const asked: string[] = [];
    const catalog = webBuiltinCatalog(
      async (input) => {
        asked.push(String(input));
        return new Response(body);
      },
      () => 'https://host.example/lab/',
    );
    expect((await catalog.manifest()).models.map((m) => m.name)).toEqual(['a', 'b']);
    await catalog.manifest();
    expect(asked).toEqual(['https://host.example/lab/models/models.json']);
    expect(catalog.base()).toBe('https://host.example/lab/');
  });

  it('names a failed fetch or a bad manifest, and asks again next time', async () => {
    const answers = [new Response('gone', { status: 404 }), new Response(JSON.stringify({ version: 2 })), new Response(body)];
    const catalog = webBuiltinCatalog(
      async () => answers.shift()!,
      () => 'https://lab.example/',
    );
    await expect(catalog.manifest()).rejects.toThrow('the built-in model list https://lab.example/models/models.json answered HTTP 404');
    await expect(catalog.manifest()).rejects.toThrow('models.json: version must be 1, got 2');
    expect((await catalog.manifest()).default).toBe('a');
  });
});
