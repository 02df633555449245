// Byte sources: exact ranges or a GGUFError, from memory, Blobs, files and HTTP (Range requests, and
// the whole-file fallback for servers without them).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GGUFError, blobSource, bytesSource, readGGUF, urlSource, writeGGUF, meta, type ByteSource } from '../../src/gguf/index.ts';
import { fileSource } from '../../src/gguf/source-node.ts';

const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);
const work = mkdtempSync(join(tmpdir(), 'gguf-src-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function checkSource(source: ByteSource) {
  expect(source.size).toBe(1000);
  expect(Array.from(await source.read(10, 5))).toEqual(Array.from(data.subarray(10, 15)));
  expect((await source.read(1000, 0)).byteLength).toBe(0);
  await expect(source.read(998, 5)).rejects.toThrow(/read of 5 bytes at offset 998 runs past the end \(1000 bytes\)/);
  await expect(source.read(-1, 2)).rejects.toThrow(GGUFError);
}

/** A fetch that serves `data`, honouring Range headers unless told not to. */
function fakeFetch(ranges: boolean): { fetch: typeof fetch; requests: string[] } {
  const requests: string[] = [];
  const fetchImpl = async (_url: string | URL | Request, init?: RequestInit) => {
    const range = new Headers(init?.headers).get('Range');
    requests.push(range ?? 'whole');
    const match = range && ranges ? /bytes=(\d+)-(\d+)/.exec(range) : null;
    if (!match) return new Response(data.slice(), { status: 200, headers: { 'Content-Length': String(data.length) } });
    const [from, to] = [Number(match[1]), Math.min(Number(match[2]), data.length - 1)];
    return new Response(data.slice(from, to + 1), { status: 206, headers: { 'Content-Range': `bytes ${from}-${to}/${data.length}` } });
  };
  return { fetch: fetchImpl as typeof fetch, requests };
}

describe('byte sources', () => {
  it('bytesSource', () => checkSource(bytesSource(data)));
  it('blobSource', () => checkSource(blobSource(new Blob([data]))));

  it('fileSource reads positionally and names a missing file', async () => {
    const path = join(work, 'data.bin');
    writeFileSync(path, data);
    const source = await fileSource(path);
    try {
      await checkSource(source);
    } finally {
      await source.close?.();
    }
    await expect(fileSource(join(work, 'missing.gguf'))).rejects.toThrow(/cannot open '.*missing.gguf': ENOENT/);
  });

  it('urlSource uses Range requests and reports progress', async () => {
    const { fetch, requests } = fakeFetch(true);
    const progress: Array<[number, number]> = [];
    const source = await urlSource('https://example.test/m.gguf', { fetch, onProgress: (loaded, total) => progress.push([loaded, total]) });
    await checkSource(source);
    expect(requests).toEqual(['bytes=0-0', 'bytes=10-14']);
    expect(progress).toEqual([[5, 1000]]);
  });

  it('urlSource falls back to one whole download when the server ignores ranges', async () => {
    const { fetch, requests } = fakeFetch(false);
    const progress: number[] = [];
    const source = await urlSource('https://example.test/m.gguf', { fetch, onProgress: (loaded) => progress.push(loaded) });
    await checkSource(source);
    expect(requests).toEqual(['bytes=0-0']);
    expect(progress.at(-1)).toBe(1000);
  });

  it('urlSource names HTTP failures', async () => {
    const fetch = (async () => new Response('nope', { status: 404, statusText: 'Not Found' })) as unknown as typeof globalThis.fetch;
    await expect(urlSource('https://example.test/missing.gguf', { fetch })).rejects.toThrow(/missing.gguf: HTTP 404 Not Found/);
  });

  it('readGGUF works the same over a Blob (the browser path)', async () => {
    const bytes = writeGGUF([['general.architecture', meta.str('llama')]], []);
    const f = await readGGUF(blobSource(new Blob([bytes]), 'm.gguf'));
    expect(f.metadata.get('general.architecture')).toBe('llama');
    expect(f.source.name).toBe('m.gguf');
  });
});
