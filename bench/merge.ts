// Sets our benchmark report beside the PyTorch peer's (bench/hf_peer.py) from the same GPU: our/their
// tokens/s for decode and prefill per shape and context (ours per weight type, theirs per attention
// implementation, bf16), and the goals (targets.ts), printed as the Markdown tables bench/README.md shows.
//   npx tsx bench/merge.ts <ours.json> <peer.json> [--json] [--out merged.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { CliError, parseOptions } from '../src/cli/args.ts';
import { checkTargets, type BenchReport, type TargetCheck } from './report.ts';

export interface PeerRun {
  shape: string;
  attention: string;
  prefill: { tokens: number; tokensPerSecond?: number; timeToFirstTokenMs?: number; error?: string }[];
  decode: { context: number; tokensPerSecond?: number; error?: string }[];
  peakGpuBytes?: number;
}

export interface PeerReport {
  schema: 'rope-lab-bench-peer/1';
  device: string;
  runs: PeerRun[];
}

export interface Comparison {
  shape: string;
  type: string;
  phase: 'decode' | 'prefill';
  /** Decode: the context; prefill: the prompt length. */
  tokens: number;
  ours: number | null;
  /** Decode: our fraction of the roofline; prefill: our time to first token in ms. */
  oursDetail: number | null;
  /** Their tokens/s by attention implementation (null: not measured or failed). */
  theirs: Record<string, number | null>;
  /** ours ÷ theirs by attention implementation. */
  ratio: Record<string, number | null>;
}

export interface MergedReport {
  ours: BenchReport;
  peer: PeerReport;
  comparisons: Comparison[];
  targets: TargetCheck[];
}

export function mergeReports(ours: BenchReport, peer: PeerReport): MergedReport {
  const attentions = [...new Set(peer.runs.map((r) => r.attention))];
  const comparisons: Comparison[] = [];
  const compare = (
    shape: string,
    type: string,
    phase: Comparison['phase'],
    tokens: number,
    mine: number | undefined,
    detail: number | undefined,
  ) => {
    const theirs: Record<string, number | null> = {};
    const ratio: Record<string, number | null> = {};
    for (const attention of attentions) {
      const run = peer.runs.find((r) => r.shape === shape && r.attention === attention);
      const value =
        phase === 'decode'
          ? run?.decode.find((d) => d.context === tokens)?.tokensPerSecond
          : run?.prefill.find((p) => p.tokens === tokens)?.tokensPerSecond;
      theirs[attention] = value ?? null;
      ratio[attention] = value && mine !== undefined ? mine / value : null;
    }
    comparisons.push({ shape, type, phase, tokens, ours: mine ?? null, oursDetail: detail ?? null, theirs, ratio });
  };
  for (const m of ours.models) {
    if (m.status !== 'measured' || m.baseline) continue; // the peer has no counterpart of our baseline kernels
    for (const d of m.decode) compare(m.shape, m.type, 'decode', d.context, d.tokensPerSecond, d.fractionOfRoofline);
    for (const p of m.prefill) compare(m.shape, m.type, 'prefill', p.tokens, p.tokensPerSecond, p.timeToFirstTokenMs);
  }
  return { ours, peer, comparisons, targets: checkTargets(ours) };
}

const num = (n: number | null | undefined, digits = 0) => (n == null ? '–' : n.toFixed(digits));

/** The speed table (bench/README.md): one row per (shape, type, phase, tokens). */
export function markdownTable(merged: MergedReport): string {
  const attentions = [...new Set(merged.peer.runs.map((r) => r.attention))];
  const header = [
    'model',
    'weights',
    'phase',
    'tokens',
    'ours tok/s',
    'of roofline / first token',
    ...attentions.flatMap((a) => [`HF ${a} tok/s`, `ours/HF ${a}`]),
  ];
  const rows = merged.comparisons.map((c) => [
    c.shape,
    c.type,
    c.phase,
    String(c.tokens),
    num(c.ours, 1),
    c.oursDetail == null ? '–' : c.phase === 'decode' ? `${(c.oursDetail * 100).toFixed(0)}%` : `${c.oursDetail.toFixed(0)} ms`,
    ...attentions.flatMap((a) => [num(c.theirs[a], 1), num(c.ratio[a], 2)]),
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const r = merged.ours;
  return [
    `${r.device.description}, commit ${r.commit.slice(0, 12)}, ${r.date.slice(0, 10)}; copy bandwidth ${num(r.copy.gbPerSecond, 1)} GB/s; HF: ${merged.peer.device}, bf16`,
    '',
    line(header),
    line(header.map(() => '---')),
    ...rows.map(line),
    '',
    line(['target', 'measured', 'goal', 'ratio']),
    line(['---', '---', '---', '---']),
    ...merged.targets.map((t) => line([t.target, num(t.measured, 2), num(t.goal, 2), t.ratio == null ? 'not measured' : num(t.ratio, 2)])),
  ].join('\n');
}

function readJson<T>(path: string, schema: string): T {
  let value: { schema?: string };
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (value.schema !== schema) throw new CliError(`${path} is not a ${schema} document (schema: ${value.schema ?? 'none'})`);
  return value as T;
}

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseOptions(args, { out: { type: 'string' } }, true);
  if (positionals.length !== 2) throw new CliError('usage: merge.ts <ours.json> <peer.json> [--json] [--out file]');
  const merged = mergeReports(
    readJson<BenchReport>(positionals[0], 'rope-lab-bench/1'),
    readJson<PeerReport>(positionals[1], 'rope-lab-bench-peer/1'),
  );
  if (values.out) writeFileSync(values.out, JSON.stringify(merged, null, 1) + '\n');
  process.stdout.write((values.json ? JSON.stringify(merged, null, 1) : markdownTable(merged)) + '\n');
}

if (process.argv[1] && /merge\.(ts|mjs)$/.test(process.argv[1]))
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`merge: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof CliError ? 2 : 1);
  });
