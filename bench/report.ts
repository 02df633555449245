// The benchmark's JSON report (its type), the goals (targets.ts) checked against it, and the readable
// tables printed without --json.
import type { CopyBandwidth } from './copy-bandwidth.ts';
import type { MatvecResult } from './matvec.ts';
import type { ModelRun } from './measure.ts';
import type { KernelTime } from './profile.ts';
import { TARGETS } from './targets.ts';

export interface BenchReport {
  schema: 'rope-lab-bench/1';
  date: string;
  commit: string;
  command: string;
  device: {
    description: string;
    vendor: string;
    architecture: string;
    name: string;
    software: boolean;
    timestampQuery: boolean;
    maxStorageBufferBindingSize: number;
    maxBufferSize: number;
  };
  /** What matmul and attention GFLOP/s are set against (null: unknown device, see --fp32-peak-tflops). */
  fp32PeakTflops: number | null;
  copy: CopyBandwidth;
  matvec: MatvecResult[];
  models: ModelRun[];
  options: Record<string, unknown>;
}

export interface TargetCheck {
  target: string;
  measured: number | null;
  goal: number;
  /** measured ÷ goal (≥ 1: met). */
  ratio: number | null;
}

const findModel = (r: BenchReport, shape: string, type: string) =>
  r.models.find((m) => m.shape === shape && m.type === type && m.status === 'measured' && !m.baseline);

/** The goals, each with what this report measured (null where the run did not measure it). */
export function checkTargets(r: BenchReport): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const add = (target: string, measured: number | null | undefined, goal: number) =>
    checks.push({ target, measured: measured ?? null, goal, ratio: measured == null ? null : measured / goal });
  for (const type of ['q4_0', 'q8_0', 'f16']) {
    const m = r.matvec.find((x) => x.type === type && !x.baseline);
    add(`matvec ${type} ${m ? `${m.rows}×${m.cols}` : ''} fraction of copy bandwidth`, m?.fractionOfCopy, TARGETS.matvecFractionOfCopy);
  }
  const d8 = findModel(r, '8B', 'q4_0')?.decode.find((d) => d.context === 4096);
  add('decode 8B q4_0 at 4096 fraction of roofline', d8?.fractionOfRoofline, TARGETS.decode8BQ4_0At4KFractionOfRoofline);
  const b1 = findModel(r, '1B', 'q4_0');
  add('decode 1B q4_0 at 512 tokens/s', b1?.decode.find((d) => d.context === 512)?.tokensPerSecond, TARGETS.decode1BQ4_0TokensPerSecond);
  for (const [tokens, llamaCpp] of Object.entries(TARGETS.llamaCppPrefill1BTokensPerSecond)) {
    const p = b1?.prefill.find((x) => x.tokens === Number(tokens));
    add(`prefill 1B q4_0 at ${tokens} tokens/s`, p?.tokensPerSecond, TARGETS.prefill1BFractionOfLlamaCpp * llamaCpp);
  }
  return checks;
}

// ---- readable tables

function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]?.length ?? 0)));
  return cells.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}

/** `digits` decimals, more for small numbers so they keep two significant digits (SwiftShader's GB/s). */
const fixed = (n: number | null | undefined, digits = 1) => {
  if (n == null || !Number.isFinite(n)) return '–';
  const needed = n !== 0 && Math.abs(n) < 1 ? Math.min(6, 1 - Math.floor(Math.log10(Math.abs(n)))) : digits;
  return n.toFixed(Math.max(digits, needed));
};
const percent = (n: number | null | undefined) => (n == null ? '–' : `${(n * 100).toFixed(0)}%`);
const mib = (n: number | undefined) => (n === undefined ? '–' : (n / 2 ** 20).toFixed(0));

function kernelRows(kernels: KernelTime[]): (string | number)[][] {
  return kernels.map((k) => [
    k.kernel,
    k.calls,
    fixed(k.gpuMs, 3),
    fixed(k.gbPerSecond),
    percent(k.fractionOfCopy),
    fixed(k.gflopPerSecond),
    percent(k.fractionOfFp32Peak),
  ]);
}

export function formatReport(r: BenchReport): string {
  const out: string[] = [
    `device: ${r.device.description}    commit ${r.commit}    ${r.date}`,
    `copy bandwidth: ${fixed(r.copy.gbPerSecond)} GB/s (${mib(r.copy.bytesCopied)} MiB, ${r.copy.timing})    FP32 peak: ${r.fp32PeakTflops ?? 'unknown'} TFLOP/s`,
  ];
  if (r.matvec.length > 0) {
    out.push(
      '',
      "dequant-matvec (a decode step's ffn_up)",
      table(
        ['type', 'rows×cols', 'kernel', 'µs', 'GB/s', 'of copy'],
        r.matvec.map((m) => [
          m.type,
          `${m.rows}×${m.cols}`,
          `${m.kernel}${m.baseline ? ' (baseline)' : ''}`,
          fixed(m.gpuMicroseconds),
          m.error ?? fixed(m.gbPerSecond),
          percent(m.fractionOfCopy),
        ]),
      ),
    );
  }
  for (const m of r.models) {
    out.push(
      '',
      `${m.shape} ${m.type}${m.baseline ? ` [baseline: ${m.baseline}]` : ''}: ${m.status === 'measured' ? `loaded in ${fixed(m.loadSeconds, 2)} s, ${mib(m.gpuWeightBytes)} MiB of weights on the GPU, peak ${mib(m.peakGpuBytes)} MiB` : `${m.status}: ${m.reason}`}`,
    );
    if (m.status !== 'measured') continue;
    out.push(
      table(
        ['prefill tokens', 'tokens/s', 'first token ms', 'method', 'KV'],
        m.prefill.map((p) => [p.tokens, p.error ?? fixed(p.tokensPerSecond), fixed(p.timeToFirstTokenMs), p.method, p.kvCache]),
      ),
    );
    out.push(
      table(
        ['decode context', 'tokens/s', 'ms/token', 'CPU ms/step', 'roofline tok/s', 'of roofline'],
        m.decode.map((d) => [
          d.context,
          fixed(d.tokensPerSecond),
          fixed(d.msPerToken, 2),
          fixed(d.cpuMsPerStep, 3),
          fixed(d.rooflineTokensPerSecond),
          percent(d.fractionOfRoofline),
        ]),
      ),
    );
    const p = m.profiles;
    if (p?.decode)
      out.push(
        `decode step at ${p.decode.pos0}, per kernel (GPU ${fixed(p.decode.gpuMs, 3)} ms, each dispatch in its own pass; ${fixed(p.decode.wholePassGpuMs, 3)} ms recorded as the engine does)`,
        table(['kernel', 'calls', 'ms', 'GB/s', 'of copy', 'GFLOP/s', 'of FP32'], kernelRows(p.decode.kernels)),
      );
    if (p?.prefill)
      out.push(
        `prompt batch of ${p.prefill.nTokens}, per kernel (GPU ${fixed(p.prefill.gpuMs, 3)} ms, each dispatch in its own pass; ${fixed(p.prefill.wholePassGpuMs, 3)} ms recorded as the engine does)`,
        table(['kernel', 'calls', 'ms', 'GB/s', 'of copy', 'GFLOP/s', 'of FP32'], kernelRows(p.prefill.kernels)),
      );
    if (p?.skipped) out.push(`per-kernel times: ${p.skipped}`);
  }
  out.push(
    '',
    'targets',
    table(
      ['target', 'measured', 'goal', 'ratio'],
      checkTargets(r).map((c) => [c.target, fixed(c.measured, 2), fixed(c.goal, 2), c.ratio == null ? 'not measured' : fixed(c.ratio, 2)]),
    ),
  );
  return out.join('\n');
}
