// `npm run bench -- --small --json` end to end, in a child process on SwiftShader: the JSON report has
// every field the benchmark promises (bench/README.md). The tiny shape (vocab 512) keeps it to seconds; --small alone runs
// stories15M, which SwiftShader takes about a minute over. The baselines (--baselines: three more model
// runs, 80 s here) are left to the GPU machine's runs; only their absence is checked.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { BenchReport } from '../../bench/report.ts';

const run = promisify(execFile);
// A child process timing a dozen kernels on SwiftShader: about 95 s on an idle 2-core machine, over
// 180 s with a second CPU-heavy process beside the suite. Allowed well past that.
const BENCH_RUN_TIMEOUT_MS = 420_000;
const ROOT = new URL('../../', import.meta.url).pathname;

describe('npm run bench', () => {
  it(
    'reports copy bandwidth, matvec, prefill, decode, per-kernel times and memory as JSON',
    async () => {
      const { stdout } = await run('npm', ['run', '--silent', 'bench', '--', '--small', '--json', '--shapes', 'tiny', '--copy-mib', '16'], {
        cwd: ROOT,
        env: { ...process.env, BENCH_COMMIT: 'test-commit' },
        maxBuffer: 2 ** 26,
      });
      const r = JSON.parse(stdout) as BenchReport;
      expect(r.schema).toBe('rope-lab-bench/1');
      expect(r.commit).toBe('test-commit');
      expect(Date.parse(r.date)).toBeGreaterThan(Date.parse('2026-01-01'));
      expect(r.device.description).toMatch(/swiftshader/i);
      expect(r.copy.bytesCopied).toBe(16 * 2 ** 20);
      expect(r.copy.gbPerSecond).toBeGreaterThan(0);

      const files = ['matvec_vec4.wgsl', 'matvec.wgsl', 'matmul.wgsl'];
      const int8 = (t: string) => (t === 'f16' ? [] : [`${t} matvec_int8.wgsl`]);
      expect(r.matvec.map((m) => `${m.type} ${m.kernel}`)).toEqual(
        ['q4_0', 'q8_0', 'f16'].flatMap((t) => [...int8(t), ...files.map((k) => `${t} ${k}`)]),
      );
      // Q4_0's and Q8_0's engine kernel takes int8 x; the f32 kernel is a baseline there, the engine's kernel for F16
      expect(r.matvec.filter((m) => !m.baseline).map((m) => `${m.type} ${m.kernel}`)).toEqual([
        'q4_0 matvec_int8.wgsl',
        'q8_0 matvec_int8.wgsl',
        'f16 matvec_vec4.wgsl',
      ]);
      for (const m of r.matvec) {
        expect(m.error).toBeUndefined();
        expect(m.gbPerSecond).toBeGreaterThan(0);
        expect(m.fractionOfCopy).toBeCloseTo(m.gbPerSecond! / r.copy.gbPerSecond, 10);
      }

      // no baselines unless asked for
      expect(r.models.map((x) => x.baseline)).toEqual([undefined]);
      const m = r.models[0];
      expect(m).toMatchObject({ shape: 'tiny', type: 'q4_0', status: 'measured' });
      expect(m.loadSeconds).toBeGreaterThan(0);
      expect(m.prefill.map((p) => [p.tokens, p.method, p.kvCache])).toEqual([
        [64, 'full', 'f32'],
        [128, 'sampled', 'f16'],
      ]);
      for (const p of m.prefill) {
        expect(p.error).toBeUndefined();
        expect(p.tokensPerSecond).toBeGreaterThan(0);
        expect(p.timeToFirstTokenMs).toBeCloseTo((p.tokens / p.tokensPerSecond!) * 1000, -1);
      }
      expect(m.decode).toHaveLength(1);
      const d = m.decode[0];
      expect(d.context).toBe(64);
      expect(d.tokensPerSecond).toBeCloseTo(1000 / d.msPerToken, 6);
      expect(d.cpuMsPerStep).toBeGreaterThan(0);
      expect(d.cpuMsPerStep).toBeLessThan(d.msPerToken);
      expect(d.rooflineTokensPerSecond).toBeCloseTo((r.copy.gbPerSecond * 1e9) / d.bytesPerToken, 6);
      // the KV cache holds at least the weights, the context's K and V, and the logits
      expect(m.peakGpuBytes).toBeGreaterThan(m.gpuWeightBytes);

      const kernels = m.profiles!.decode!.kernels.map((k) => k.kernel);
      expect(kernels).toEqual(expect.arrayContaining(['matmul output Q6_K', 'matmul ffn_up Q4_0', 'attention', 'rmsnorm', 'argmax']));
      const up = m.profiles!.decode!.kernels.find((k) => k.kernel === 'matmul ffn_up Q4_0')!;
      expect(up.calls).toBe(2); // one per layer
      expect(up.gbPerSecond).toBeCloseTo((up.bytesRead + up.bytesWritten) / (up.gpuMs / 1000) / 1e9, 6);
      expect(up.fractionOfCopy).toBeCloseTo(up.gbPerSecond / r.copy.gbPerSecond, 10);
      expect(r.fp32PeakTflops).toBeNull(); // SwiftShader: no datasheet peak, so no fraction of it
      expect(up.fractionOfFp32Peak).toBeUndefined();
      expect(m.profiles!.prefill!.nTokens).toBe(32);
      // the same passes timed whole, as the engine records them
      for (const p of [m.profiles!.decode!, m.profiles!.prefill!]) expect(p.wholePassGpuMs).toBeGreaterThan(0);
    },
    BENCH_RUN_TIMEOUT_MS,
  );

  it('skips a combination estimated not to fit the memory allowed, saying why', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/run.ts',
        '--small',
        '--json',
        '--shapes',
        'tiny',
        '--types',
        'f32',
        '--memory-gib',
        '0.001',
        '--no-matvec',
        '--no-baselines',
        '--copy-mib',
        '1',
      ],
      { cwd: ROOT, maxBuffer: 2 ** 26 },
    );
    const [m] = (JSON.parse(stdout) as BenchReport).models;
    expect(m).toMatchObject({ shape: 'tiny', type: 'f32', status: 'skipped', prefill: [], decode: [] });
    expect(m.reason).toBe(
      `needs about ${(m.estimatedGpuBytes / 2 ** 20).toFixed(1)} MiB of GPU memory, more than the 1.0 MiB allowed (--memory-gib)`,
    );
    // the tiny model's F32 weights: 2 layers of q, o (256²), k, v (128 × 256: 2 of 4 heads) and the FFN (3 × 256 × 512),
    // plus token_embd and output (512 × 256)
    expect(m.gpuWeightBytes).toBe((2 * (2 * 256 * 256 + 2 * 128 * 256 + 3 * 256 * 512) + 2 * 512 * 256) * 4);
  });

  it('exits 2 with one line naming a bad option', async () => {
    const failed = await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--shapes', '70B'], { cwd: ROOT }).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr.trim()).toBe("bench: --shapes: unknown '70B' (known: stories15M, 1B, 8B, tiny)");
  });
});
