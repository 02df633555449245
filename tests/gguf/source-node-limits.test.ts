// fileSource's reads of huge tensors (issue 19, item 3): Node's fs binding aborts the process on one
// read of 2³¹ bytes or more (`args[3]->IsInt32()`), and no array holds more than 4 GiB. The file
// handle is faked so the test never touches gigabytes: its read() records lengths and writes nothing
// (the target array is allocated but its pages are never touched).
import { describe, expect, it, vi } from 'vitest';

const GiB = 2 ** 30;
const calls: Array<{ position: number; length: number }> = [];

vi.mock('node:fs/promises', () => ({
  open: async () => ({
    stat: async () => ({ size: 6 * GiB }),
    read: async (_buffer: Uint8Array, _offset: number, length: number, position: number) => {
      calls.push({ position, length });
      return { bytesRead: length };
    },
    close: async () => {},
  }),
}));

const { fileSource } = await import('../../src/gguf/source-node.ts');
const { GGUFError } = await import('../../src/gguf/index.ts');

describe('fileSource on a 6 GiB file', () => {
  it('reads 2 GiB + 16 bytes in calls below 2³¹ bytes each', async () => {
    calls.length = 0;
    const source = await fileSource('/fake/huge.gguf');
    const bytes = await source.read(100, 2 * GiB + 16);
    expect(bytes.byteLength).toBe(2 * GiB + 16);
    expect(calls.length).toBeGreaterThan(1);
    for (const c of calls) expect(c.length).toBeLessThanOrEqual(GiB);
    expect(calls.map((c) => c.position)).toEqual(calls.map((_, i) => 100 + i * GiB));
    expect(calls.reduce((n, c) => n + c.length, 0)).toBe(2 * GiB + 16);
  });

  it('refuses a 4.6 GiB read with a GGUFError, before allocating', async () => {
    calls.length = 0;
    const source = await fileSource('/fake/huge.gguf');
    const read = source.read(0, Math.round(4.6 * GiB));
    await expect(read).rejects.toThrow(GGUFError);
    await expect(read).rejects.toThrow(/read of 4939212390 bytes at offset 0 is more than one array holds \(4294967296 bytes\)/);
    expect(calls).toEqual([]);
  });
});
