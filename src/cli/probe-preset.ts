// `lab probe --preset <name> --model <m> [--ctx N] [--kv-cache f32|f16] [--out f.json] [--json]`: a whole preset
// experiment headless, its requests one after another on one loaded model, written as one SuiteRecord
// (src/probes/suite-record.ts) — what the page shows as "measured on <GPU> on <date>". The --models
// route of `lab probe` compares models; this one compares the RoPE extensions the preset lists on the
// model it is written for (extend-smollm2: SmolLM2-135M-Instruct, refused on any other). With --out the
// record is rewritten after each request, and a run with the same preset, context and model file picks up
// where an interrupted one stopped (the GPU machine gives 10 minutes a command).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { findProbeText, heldOutTextIds } from '../data/split.ts';
import { nodeBuiltinTexts } from '../data/texts-node.ts';
import {
  PRESET_TITLES,
  SUITE_RECORD_FORMAT,
  contextNeeded,
  findPreset,
  hasProbeHooks,
  presetModelMismatch,
  runProbeRequest,
  probeResultJson,
  roundMeasured,
  type ProbeContext,
  type ProbeResult,
  type SuiteRecord,
} from '../probes/index.ts';
import { CliError, intOption, MAX_TOKENS_OPTION, parseOptions } from './args.ts';
import { readTextFile, requireRegularOutput } from './files.ts';
import { KV_CACHE_OPTION, kvCacheOption } from './kv-cache-option.ts';
import { resolveModelPath } from './model-path.ts';
import { formatTable } from './rope-options.ts';

export async function runPreset(args: string[]): Promise<void> {
  const { values } = parseOptions(args, {
    preset: { type: 'string' },
    model: { type: 'string' },
    ctx: { type: 'string' },
    out: { type: 'string' },
    ...KV_CACHE_OPTION,
  });
  const name = values.preset ?? '';
  const preset = findPreset(name);
  if (!preset) throw new CliError(`--preset must be one of ${Object.keys(PRESET_TITLES).join(', ')}, got '${name}'`);
  const ctxLength = values.ctx === undefined ? preset.context.default : intOption('ctx', values.ctx, undefined, MAX_TOKENS_OPTION);
  if (values.out !== undefined) requireRegularOutput('--out', values.out);
  const catalog = nodeBuiltinTexts();
  let suite;
  try {
    suite = preset.suite(ctxLength, heldOutTextIds(catalog));
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  if (!suite.model) throw new CliError(`--preset ${name} runs on the lab's own models: use \`lab probe <probe> --models …\` or the page`);
  const path = resolveModelPath(values.model);
  const kvCache = kvCacheOption(values['kv-cache']) ?? 'f16';
  const needed = Math.max(...suite.requests.map(contextNeeded));

  const { loadModel } = await import('./engine-node.ts'); // Dawn loads only now
  const { engine, info } = await loadModel(path, { context: needed, kvCache });
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  try {
    const mismatch = presetModelMismatch(suite.model, info);
    if (mismatch) throw new CliError(mismatch);
    const model = {
      name: info.name || basename(path),
      source: basename(path),
      trainedContext: info.trainedContext,
      rope: info.rope,
      sha256: await fileSha256(path),
    };
    const ctx: ProbeContext = {
      engine,
      hooks: hasProbeHooks(engine) ? engine : undefined,
      tokenizer: engine.tokenizer(),
      model,
      signal: interrupt.signal,
      onProgress: values.json ? undefined : (p) => process.stderr.write(`\r[${p.done}/${p.total}] ${p.label}\x1b[K`),
    };
    // WebGPU names the vendor and driver, not the card: the GPU machine's script passes the card's name
    const device = process.env.LAB_GPU_NAME ? `${process.env.LAB_GPU_NAME} · ${info.device}` : info.device;
    const header = {
      format: SUITE_RECORD_FORMAT,
      preset: suite.preset,
      title: suite.title,
      ctx: suite.ctx,
      model,
      device,
      kvCache: info.kvCache.dtype,
    };
    const runs: SuiteRecord['runs'] = values.out ? resumable(values.out, header) : [];
    const save = (): SuiteRecord => {
      const record: SuiteRecord = { ...header, measuredAt: new Date().toISOString(), commit: gitCommit(), runs };
      if (values.out) {
        writeFileSync(`${values.out}.partial`, probeResultJson(record) + '\n');
        renameSync(`${values.out}.partial`, values.out);
      }
      return record;
    };
    for (const [i, request] of suite.requests.entries()) {
      if (i < runs.length) continue;
      const started = performance.now();
      process.stderr.write(
        `${suite.title}: ${i + 1}/${suite.requests.length} ${request.probe}${request.probe === 'perplexity' ? ` (${request.method})` : ''}\n`,
      );
      const result = await runProbeRequest(ctx, request, (id) => findProbeText(catalog, id).load());
      runs.push({ request, result: roundMeasured(result) as typeof result, runMs: performance.now() - started });
      save();
      process.stderr.write(`\n  ${(runs.at(-1)!.runMs / 1000).toFixed(1)} s\n`);
    }
    const record = save();
    if (values.json) process.stdout.write(probeResultJson(record) + '\n');
    else process.stdout.write(summary(record) + '\n');
  } finally {
    process.off('SIGINT', onSigint);
    await engine.destroy();
  }
}

/** The runs an earlier record at `path` finished, when it ran the same preset, context, model file and cache. */
function resumable(path: string, header: Pick<SuiteRecord, 'preset' | 'ctx' | 'model' | 'kvCache'>): SuiteRecord['runs'] {
  if (!existsSync(path)) return [];
  const earlier = JSON.parse(readTextFile('--out', path)) as SuiteRecord;
  const same =
    earlier.preset === header.preset &&
    earlier.ctx === header.ctx &&
    earlier.model?.sha256 === header.model.sha256 &&
    earlier.kvCache === header.kvCache;
  if (!same) throw new CliError(`--out ${path} holds another run (preset, context, model or KV cache differ): give another file`);
  process.stderr.write(`resuming: ${earlier.runs.length} of the preset's requests are in ${path}\n`);
  return earlier.runs;
}

/** The headline numbers of a record: perplexity per context, passkey accuracy per length. */
export function summary(record: SuiteRecord): string {
  const out: string[] = [`${record.title} at ${record.ctx} tokens on ${record.device}, ${record.measuredAt}`];
  for (const { result } of record.runs) out.push(...resultLines(result));
  return out.join('\n\n');
}

function resultLines(result: ProbeResult): string[] {
  const r = result as Partial<{ method: string; series: Array<Record<string, unknown>> }>;
  const opts = result.provenance.options as { contexts?: number[]; lengths?: number[] };
  if (result.provenance.probe === 'perplexity') {
    const series = r.series as Array<{ variant: { label: string }; points: Array<{ ctx: number; ppl: number }> }>;
    return [
      `perplexity (${r.method})`,
      formatTable(
        ['rope', ...opts.contexts!.map(String)],
        series.map((s) => [s.variant.label, ...s.points.map((p) => p.ppl)]),
      ),
    ];
  }
  if (result.provenance.probe === 'passkey') {
    const series = r.series as Array<{ variant: { label: string }; accuracy: number[][] }>;
    const mean = (row: number[]) => row.reduce((a, b) => a + b, 0) / row.length;
    return [
      'passkey accuracy (mean over depths)',
      formatTable(
        ['rope', ...opts.lengths!.map(String)],
        series.map((s) => [s.variant.label, ...s.accuracy.map(mean)]),
      ),
    ];
  }
  if (result.provenance.probe === 'loss-by-position') {
    const series = r.series as Array<{ variant: { label: string }; meanLoss: number }>;
    return [
      'loss by position: mean loss (nats)',
      formatTable(
        ['rope', 'mean loss'],
        series.map((s) => [s.variant.label, s.meanLoss]),
      ),
    ];
  }
  return [`${result.provenance.probe}: ${(r.series ?? []).length} series`];
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The checkout's commit (with `+` when the tree has changes), or the LAB_COMMIT a bundle was built with. */
function gitCommit(): string | null {
  if (process.env.LAB_COMMIT) return process.env.LAB_COMMIT;
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() !== '';
    return head + (dirty ? '+' : '');
  } catch {
    return null;
  }
}
