// The document split (src/data/split.ts) and training/prepare.ts end to end on a small subset:
// the split is by whole documents and fixed, and preparing twice gives identical bytes.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandTextIds, heldOutTextIds, isHeldOut, splitDocuments } from '../../src/data/split.ts';
import { nodeBuiltinTexts, nodeMobyDickParts } from '../../src/data/texts-node.ts';
import { readGGUF } from '../../src/gguf/reader.ts';
import { bytesSource } from '../../src/gguf/source.ts';
import { createTokenizer } from '../../src/tokenizer/tokenizer.ts';

const catalog = nodeBuiltinTexts();
const parts = nodeMobyDickParts();

describe('train / held-out split', () => {
  it('holds out every tenth address in year order', () => {
    const ids = heldOutTextIds(catalog);
    // 1790–1796 Washington (7 files), 1797–1799 Adams: the tenth file is 1799.
    expect(ids[0]).toBe('sotu-1799-john-adams');
    expect(ids[1]).toBe('sotu-1809-james-madison');
    expect(ids).toHaveLength(Math.floor(catalog.filter((t) => t.corpus === 'sotu').length / 10));
    expect(isHeldOut('sotu-1799-john-adams', catalog)).toBe(true);
    expect(isHeldOut('sotu-1800-john-adams', catalog)).toBe(false);
  });

  it('holds out Moby-Dick from chapter 126 with the epilogue, and keeps every document exactly once', () => {
    const split = splitDocuments(catalog, parts);
    const heldOutParts = split.heldOut.filter((t) => t.corpus === 'moby-dick').map((t) => t.id);
    expect(heldOutParts).toEqual([...Array.from({ length: 10 }, (_, i) => `moby-dick-chapter-${126 + i}`), 'moby-dick-epilogue']);
    const trainParts = split.train.filter((t) => t.corpus === 'moby-dick').map((t) => t.id);
    expect(trainParts.slice(0, 3)).toEqual(['moby-dick-etymology', 'moby-dick-extracts', 'moby-dick-chapter-1']);
    expect(trainParts.at(-1)).toBe('moby-dick-chapter-125');
    const all = [...split.train, ...split.heldOut].map((t) => t.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual([...catalog.filter((t) => t.corpus === 'sotu'), ...parts].map((t) => t.id).sort());
  });

  it('expands the CLI alias heldout to the held-out addresses', () => {
    expect(expandTextIds(['moby-dick', 'heldout'], catalog)).toEqual(['moby-dick', ...heldOutTextIds(catalog)]);
  });

  it('reads the novel part by part with the same text as the whole', async () => {
    const whole = await catalog.find((t) => t.id === 'moby-dick')!.load();
    const pieces = await Promise.all(parts.map((p) => p.load()));
    expect(pieces.join('\n\n')).toBe(whole);
  });
});

describe('training/prepare.ts', () => {
  const work = mkdtempSync(join(tmpdir(), 'training-prepare-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const prepare = (...args: string[]) => spawnSync('node_modules/.bin/tsx', ['training/prepare.ts', ...args], { encoding: 'utf8' });
  const FILES = ['tokenizer.gguf', 'train.bin', 'heldout.bin'];

  it('writes the same bytes twice, BOS-led documents that decode to their text', async () => {
    for (const run of ['a', 'b']) expect(prepare('--out', join(work, run), '--vocab', '400', '--max-docs', '2').status).toBe(0);
    for (const file of FILES) expect(readFileSync(join(work, 'a', file)).equals(readFileSync(join(work, 'b', file))), file).toBe(true);
    const summary = (run: string) => ({ ...JSON.parse(readFileSync(join(work, run, 'data.json'), 'utf8')), seconds: 0 });
    const data = summary('a');
    expect(summary('b')).toEqual(data);
    for (const file of FILES)
      expect(data.sha256[file]).toBe(
        createHash('sha256')
          .update(readFileSync(join(work, 'a', file)))
          .digest('hex'),
      );

    const tokenizer = createTokenizer(
      (await readGGUF(bytesSource(new Uint8Array(readFileSync(join(work, 'a', 'tokenizer.gguf')))))).metadata,
    );
    expect(data.vocabSize).toBe(400);
    const bin = readFileSync(join(work, 'a', 'heldout.bin'));
    const ids = Array.from({ length: bin.length / 2 }, (_, i) => bin.readUInt16LE(2 * i));
    const docs = data.splits.heldout.documents as Array<{ id: string; tokens: number; offset: number }>;
    expect(docs.map((d) => d.id)).toEqual(['sotu-1799-john-adams', 'sotu-1809-james-madison']);
    expect(docs.reduce((n, d) => n + d.tokens, 0)).toBe(ids.length);
    const text = (await catalog.find((t) => t.id === docs[1].id)!.load()).trim();
    const own = ids.slice(docs[1].offset, docs[1].offset + docs[1].tokens);
    expect(own[0]).toBe(1);
    expect(tokenizer.decode(own)).toBe(text);
  });

  it('exits 2 naming a missing or bad option', () => {
    const missing = prepare('--vocab', '400');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('missing required option --out');
    const bad = prepare('--out', join(work, 'c'), '--vocab', '70000');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--vocab must be at most 65536');
  });
});
