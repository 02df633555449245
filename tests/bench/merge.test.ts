// Merging our benchmark report with the PyTorch peer's (bench/merge.ts), and the targets.
import { describe, expect, it } from 'vitest';
import { markdownTable, mergeReports, type PeerReport } from '../../bench/merge.ts';
import type { BenchReport } from '../../bench/report.ts';
import type { ModelRun } from '../../bench/measure.ts';

const run = (shape: string, type: string, decode: [number, number][], prefill: [number, number][]): ModelRun => ({
  shape,
  type,
  status: 'measured',
  fileBytes: 0,
  gpuWeightBytes: 0,
  estimatedGpuBytes: 0,
  decode: decode.map(([context, tps]) => ({
    context,
    steps: 8,
    kvCache: 'f32',
    tokensPerSecond: tps,
    msPerToken: 1000 / tps,
    cpuMsPerStep: 0.1,
    bytesPerToken: 1,
    rooflineTokensPerSecond: 1000,
    fractionOfRoofline: tps / 1000,
  })),
  prefill: prefill.map(([tokens, tps]) => ({ tokens, method: 'full', kvCache: 'f32', tokensPerSecond: tps, timeToFirstTokenMs: 2000 })),
});

const ours: BenchReport = {
  schema: 'rope-lab-bench/1',
  date: '2026-11-24T12:00:00.000Z',
  commit: 'abcdef0123456789',
  command: '',
  device: {
    description: 'nvidia hopper (NVIDIA H100 80GB HBM3)',
    vendor: 'nvidia',
    architecture: 'hopper',
    name: 'H100',
    software: false,
    timestampQuery: true,
    maxStorageBufferBindingSize: 0,
    maxBufferSize: 0,
  },
  fp32PeakTflops: 66.9,
  copy: { bytesCopied: 2 ** 30, repetitions: 20, gbPerSecond: 2800, timing: 'timestamp-query' },
  matvec: [
    { type: 'q4_0', rows: 14336, cols: 4096, kernel: 'matvec_vec4.wgsl', bytes: 1, gbPerSecond: 2100, fractionOfCopy: 0.75 },
    { type: 'q4_0', rows: 14336, cols: 4096, kernel: 'matmul.wgsl', baseline: 'naive', bytes: 1, gbPerSecond: 100, fractionOfCopy: 0.04 },
  ],
  models: [
    run(
      '1B',
      'q4_0',
      [
        [512, 301],
        [4096, 250],
      ],
      [
        [512, 12619.2],
        [32768, 3743.7],
      ],
    ),
    run('8B', 'q4_0', [[4096, 300]], []),
    { ...run('8B', 'f16', [], []), status: 'skipped', reason: 'too big' },
    { ...run('1B', 'q4_0', [[512, 5]], [[512, 6]]), baseline: 'naive matmul' }, // neither a target's number nor compared
  ],
  options: {},
};

const peer: PeerReport = {
  schema: 'rope-lab-bench-peer/1',
  device: 'NVIDIA H100 80GB HBM3',
  runs: [
    {
      shape: '1B',
      attention: 'eager',
      decode: [
        { context: 512, tokensPerSecond: 100 },
        { context: 4096, tokensPerSecond: 125 },
      ],
      prefill: [
        { tokens: 512, tokensPerSecond: 20000 },
        { tokens: 32768, error: 'out of memory' },
      ],
    },
    {
      shape: '1B',
      attention: 'sdpa',
      decode: [{ context: 512, tokensPerSecond: 150.5 }],
      prefill: [
        { tokens: 512, tokensPerSecond: 40000 },
        { tokens: 32768, tokensPerSecond: 7487.4 },
      ],
    },
  ],
};

describe('mergeReports', () => {
  const merged = mergeReports(ours, peer);

  it('gives ours ÷ theirs per attention implementation, null where either side has no number', () => {
    const decode512 = merged.comparisons.find((c) => c.shape === '1B' && c.phase === 'decode' && c.tokens === 512)!;
    expect(decode512.ours).toBe(301);
    expect(decode512.ratio.eager).toBeCloseTo(3.01, 10);
    expect(decode512.ratio.sdpa).toBeCloseTo(2, 10);
    const decode4k = merged.comparisons.find((c) => c.shape === '1B' && c.phase === 'decode' && c.tokens === 4096)!;
    expect(decode4k.ratio).toEqual({ eager: 2, sdpa: null });
    const prefill32k = merged.comparisons.find((c) => c.phase === 'prefill' && c.tokens === 32768)!;
    expect(prefill32k.theirs.eager).toBeNull(); // their out-of-memory run
    expect(prefill32k.ratio.sdpa).toBeCloseTo(0.5, 10);
    // 8B has no peer run: ratios null; the skipped 8B f16 is not compared at all
    expect(merged.comparisons.filter((c) => c.shape === '8B').map((c) => c.ratio)).toEqual([{ eager: null, sdpa: null }]);
    expect(merged.comparisons.some((c) => c.type === 'f16')).toBe(false);
  });

  it('checks the issue targets against the numbers measured, null where not measured', () => {
    const target = (prefix: string) => merged.targets.find((t) => t.target.startsWith(prefix))!;
    expect(target('matvec q4_0').ratio).toBeCloseTo(0.75 / 0.8, 10);
    expect(target('matvec q8_0').measured).toBeNull();
    expect(target('decode 8B q4_0 at 4096').ratio).toBeCloseTo(0.3 / 0.6, 10);
    expect(target('decode 1B q4_0 at 512').ratio).toBeCloseTo(301 / 602, 10);
    expect(target('prefill 1B q4_0 at 512').ratio).toBeCloseTo(12619.2 / (0.3 * 42064), 10);
    expect(target('prefill 1B q4_0 at 32768').ratio).toBeCloseTo(3743.7 / (0.3 * 12479), 10);
  });

  it('renders the README table with a row per comparison', () => {
    const md = markdownTable(merged);
    expect(md).toContain('| 1B | q4_0 | decode | 512 | 301.0 | 30% | 100.0 | 3.01 | 150.5 | 2.00 |');
    expect(md).toContain('| 1B | q4_0 | prefill | 32768 | 3743.7 | 2000 ms | – | – | 7487.4 | 0.50 |');
    expect(md.split('\n').filter((l) => l.startsWith('| 1B') || l.startsWith('| 8B'))).toHaveLength(5);
  });
});
