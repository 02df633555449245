// The load budget in the engine (issue 19, items 3 and 4), on Dawn/SwiftShader with the machine's
// memory injected small: a model or context that cannot fit is refused with needed vs allowed bytes
// before a weight is read or a buffer allocated, and a probe that needs a longer context gets the same
// refusal before the page's model is unloaded.
import { afterAll, describe, expect, it } from 'vitest';
import { nodeGpu } from '../../src/engine/gpu/node-gpu.ts';
import { viteShaders } from '../../src/engine/gpu/shaders-vite.ts';
import type { MachineMemory } from '../../src/engine/load-budget.ts';
import { WebGpuEngine } from '../../src/engine/webgpu-engine.ts';
import { fileSource } from '../../src/gguf/source-node.ts';
import type { ProbeRequest } from '../../src/probes/index.ts';
import { ProbingEngine } from '../../src/worker/probe-engine.ts';
import { requireTestFiles, STORIES_GGUF } from '../helpers/shared.ts';
import { wideFfnModel } from '../helpers/hostile-models.ts';

const haveModels = requireTestFiles('load budget on stories260K', STORIES_GGUF);

const MiB = 2 ** 20;
/** Half of it, 128 MiB, may be used: stories260K (1 MiB of weights) fits up to ~100K positions. */
const SMALL_MACHINE: MachineMemory = { total: 256 * MiB, source: 'the test machine' };
const host = (openPath = fileSource) => ({
  gpu: () => nodeGpu({ quiet: true }),
  shaders: viteShaders,
  openPath,
  memory: () => SMALL_MACHINE,
});
const stories = { kind: 'path', path: STORIES_GGUF } as const;
const BUDGET =
  /^a context of 200000 positions needs (\d+) bytes \(.*f32 KV cache 244\.1 MiB.*\), but 134217728 bytes \(128\.0 MiB\) are allowed: half of the 256\.0 MiB of the test machine; a context of at most \d+ fits$/;

async function refusal(task: Promise<unknown>): Promise<string> {
  try {
    await task;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('it was not refused');
}

describe.skipIf(!haveModels)('the engine refuses a load beyond its budget before allocating', () => {
  const engine = new WebGpuEngine(host());
  afterAll(() => engine.destroy());

  it('a context of 200,000 positions (244 MiB of KV cache) on a machine allowing 128 MiB', async () => {
    const started = performance.now();
    expect(await refusal(engine.load(stories, undefined, { context: 200_000 }))).toMatch(BUDGET);
    expect(performance.now() - started).toBeLessThan(5000);
    const info = await engine.load(stories, undefined, { context: 4096 });
    expect(info.kvCache.totalBytes).toBe(4096 * 5 * 2 * 4 * 8 * 4);
  });

  it('a model of 288 MiB of weights is refused before a tensor byte is read', async () => {
    const wide = wideFfnModel(393_216); // ffn_gate, ffn_up, ffn_down: 96 MiB each
    const sparse = new WebGpuEngine(host(async () => wide));
    try {
      expect(await refusal(sparse.load({ kind: 'path', path: wide.name }))).toMatch(
        /^(tensor blk\.0\.ffn_gate\.weight needs 96\.0 MiB in one buffer|a context of 512 positions needs \d+ bytes \(.*weights 288\.\d MiB.*the weights alone do not fit$)/,
      );
      expect(wide.bytesRead).toBeLessThan(2 * MiB); // the header's chunk only
    } finally {
      await sparse.destroy();
    }
  });
});

describe.skipIf(!haveModels)('a probe that needs a longer context', () => {
  const engine = new ProbingEngine(host(), {
    base: () => 'http://localhost/',
    manifest: () => Promise.reject(new Error('no built-in models here')),
  });
  afterAll(() => engine.destroy());

  it("is refused with the load's own message, and the page's model stays loaded", async () => {
    const expected = await refusal(engine.load(stories, undefined, { context: 200_000 }));
    expect(expected).toMatch(BUDGET);
    await engine.load(stories, undefined, { context: 512 });
    const request: ProbeRequest = { probe: 'loss-by-position', texts: ['user'], ctx: 200_000, variants: [{ label: 'own', rope: null }] };
    const started = performance.now();
    expect(await refusal(engine.runProbe(request, { userText: 'Once upon a time' }))).toBe(expected);
    expect(performance.now() - started).toBeLessThan(2000);
    expect((await engine.info())?.context).toBe(512);
  });
});
