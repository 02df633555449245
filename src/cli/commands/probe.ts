// `lab probe`: the long-context probes, headless, on the WebGPU engine (Dawn; SwiftShader when no GPU) or
// on the CPU reference (`--engine cpu`, exact and slow: small models). Every probe runs the model's own
// RoPE first, then each override (--rope-* flags, --variants list) on the same inputs, side by side.
//   lab probe loss-by-position|perplexity|attention-distance|passkey|first-sentence --model <file.gguf | builtin:name>
//     or --models <a,b,…> (paths or builtin:<name>; one variant per model, each under its own RoPE, GPU engine)
//     [--engine gpu|cpu] [--ctx N] [--kv-cache f32|f16] [--text-file f | --text id[,id…]]
//     [--rope-base B] [--rope-scaling none|linear|dynamic|yarn|longrope|llama3|ntk|xpos] [--rope-factor F]
//     [--rope-original-context N] [--variants base:B,TYPE:FACTOR,…]
//     loss-by-position:   [--bins-per-octave n]
//     perplexity:         [--method chunked|sliding] [--contexts a,b,…] [--stride S] [--max-windows N] (several --text ids: one stream)
//     attention-distance: [--map L:H]
//     passkey:            [--lengths a,b,…] [--depths a,b,…] [--trials n] [--seed s] [--max-tokens n]
//     first-sentence:     [--lengths a,b,…] [--trials n] [--seed s]
//   [--json | --csv]
//   lab probe --preset extend-smollm2 --model <SmolLM2-135M-Instruct.gguf> [--ctx N] [--kv-cache f32|f16] [--json]
//     a whole preset experiment on one model, written as one record (src/cli/probe-preset.ts)
// Built-in texts (--text) are the State of the Union addresses ('sotu-1946-harry-s-truman') and
// 'moby-dick'; 'heldout' stands for the addresses the lab's own models never trained on (src/data/split.ts);
// without --text the probes read the four latest addresses (loss, perplexity: the longest one).
import { basename } from 'node:path';
import { expandTextIds, findProbeText } from '../../data/split.ts';
import { findText } from '../../data/texts.ts';
import { nodeBuiltinTexts } from '../../data/texts-node.ts';
import { llamaConfigFromGGUF } from '../../engine/model-config.ts';
import { loadReferenceWeights, type ReferenceWeights } from '../../engine/reference.ts';
import { readGGUF } from '../../gguf/index.ts';
import { fileSource } from '../../gguf/source-node.ts';
import {
  hasProbeHooks,
  headSummary,
  meanBucketDistance,
  probeResultCsv,
  probeResultJson,
  runAttentionProbe,
  runFirstSentence,
  runLossByPosition,
  runPasskey,
  runPerplexity,
  variantLabel,
  type ProbeContext,
  type ProbeResult,
  type ProbeText,
  type RopeVariant,
} from '../../probes/index.ts';
import { ReferenceProbeEngine } from '../../probes/reference-engine.ts';
import { ROPE_TYPES, validateRopeConfig, type RopeConfig } from '../../rope/index.ts';
import { createTokenizer, type Tokenizer } from '../../tokenizer/index.ts';
import type { LoadOptions } from '../../engine/types.ts';
import {
  CliError,
  describeRange,
  inRange,
  intOption,
  MAX_TOKENS_OPTION,
  numberListOption,
  parseOptions,
  rangeOption,
  type Range,
} from '../args.ts';
import { readTextFile } from '../files.ts';
import { KV_CACHE_OPTION, kvCacheOption } from '../kv-cache-option.ts';
import { resolveModelPath } from '../model-path.ts';
import { cliModelSwitcher, modelsOption, modelVariants, type ModelChoice } from '../probe-models.ts';
import { formatTable, ROPE_BASE_RANGE, ROPE_FACTOR_RANGE } from '../rope-options.ts';

const KINDS = ['loss-by-position', 'perplexity', 'attention-distance', 'passkey', 'first-sentence'] as const;
type Kind = (typeof KINDS)[number];

const OPTIONS = {
  model: { type: 'string' },
  models: { type: 'string' },
  engine: { type: 'string' },
  ctx: { type: 'string' },
  'text-file': { type: 'string' },
  text: { type: 'string' },
  'rope-base': { type: 'string' },
  'rope-scaling': { type: 'string' },
  'rope-factor': { type: 'string' },
  'rope-original-context': { type: 'string' },
  variants: { type: 'string' },
  'bins-per-octave': { type: 'string' },
  method: { type: 'string' },
  contexts: { type: 'string' },
  stride: { type: 'string' },
  'max-windows': { type: 'string' },
  csv: { type: 'boolean' },
  map: { type: 'string' },
  lengths: { type: 'string' },
  depths: { type: 'string' },
  trials: { type: 'string' },
  seed: { type: 'string' },
  'max-tokens': { type: 'string' },
  ...KV_CACHE_OPTION,
} as const;

/** The options only some probes take. */
const ONLY_FOR: Partial<Record<keyof typeof OPTIONS, Kind[]>> = {
  'bins-per-octave': ['loss-by-position'],
  method: ['perplexity'],
  contexts: ['perplexity'],
  stride: ['perplexity'],
  'max-windows': ['perplexity'],
  map: ['attention-distance'],
  lengths: ['passkey', 'first-sentence'],
  depths: ['passkey'],
  trials: ['passkey', 'first-sentence'],
  seed: ['passkey', 'first-sentence'],
  'max-tokens': ['passkey'],
  'text-file': ['loss-by-position', 'perplexity', 'attention-distance', 'first-sentence'],
  text: ['loss-by-position', 'perplexity', 'attention-distance', 'first-sentence'],
};

const SCALING: Record<string, RopeConfig['type']> = { none: 'default', ...Object.fromEntries(ROPE_TYPES.map((t) => [t, t])) };

type Values = ReturnType<typeof parseOptions<typeof OPTIONS>>['values'];

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--preset' || args[0]?.startsWith('--preset=')) return (await import('../probe-preset.ts')).runPreset(args);
  const [kind, ...rest] = args;
  if (!KINDS.includes(kind as Kind))
    throw new CliError(`probe needs one of ${KINDS.join(', ')} first (or --preset <name>), got '${kind ?? ''}'`);
  const { values } = parseOptions(rest, OPTIONS);
  for (const [flag, kinds] of Object.entries(ONLY_FOR)) {
    if (values[flag as keyof Values] !== undefined && !kinds.includes(kind as Kind))
      throw new CliError(`--${flag} does not apply to ${kind}`);
  }
  if (values.json && values.csv) throw new CliError('give --json or --csv, not both');
  const models = modelsOption(values.models, values.model);
  const modelPath = models ? models[0].path : resolveModelPath(values.model);
  const engineKind = values.engine ?? 'gpu';
  if (engineKind !== 'gpu' && engineKind !== 'cpu') throw new CliError(`--engine must be gpu or cpu, got '${engineKind}'`);
  if (models && engineKind !== 'gpu') throw new CliError('--models runs on the GPU engine (--engine gpu)');
  const kvCache = kvCacheOption(values['kv-cache']);
  if (models && [values['rope-base'], values['rope-scaling'], values['rope-factor'], values.variants].some((v) => v !== undefined)) {
    throw new CliError('--models compares the models under their own RoPE: leave out --rope-* and --variants');
  }

  const overrides = ropeOverrides(values);
  const ctxOption = values.ctx === undefined ? undefined : intOption('ctx', values.ctx, undefined, MAX_TOKENS_OPTION);

  const source = await fileSource(modelPath);
  let setup;
  try {
    const file = await readGGUF(source);
    const tokenizer = createTokenizer(file.metadata);
    const own = llamaConfigFromGGUF(file);
    const ctxLength = ctxOption ?? own.trainedContext;
    const variants = models ? modelVariants(models) : ropeVariants(overrides, own.rope, own.trainedContext);
    const request = await probeRequest(kind as Kind, values, ctxLength, variants);
    // the CPU reference reads every tensor now; the GPU engine opens the file itself
    const weights = engineKind === 'cpu' ? await loadReferenceWeights(file) : null;
    setup = { tokenizer, own, request, weights };
  } finally {
    await source.close?.();
  }
  const { tokenizer, own, request, weights } = setup;

  const progress =
    values.json || values.csv
      ? undefined
      : (p: { done: number; total: number; label: string }) => process.stderr.write(`\r[${p.done}/${p.total}] ${p.label}\x1b[K`);
  const model = models
    ? { name: models[0].label, source: models[0].ref, trainedContext: own.trainedContext, rope: own.rope, sha256: models[0].sha256 }
    : { name: own.name || basename(modelPath), source: values.model, trainedContext: own.trainedContext, rope: own.rope };
  const { engine, hooks, close, switcher } = weights
    ? cpuEngine(weights, tokenizer, kvCache)
    : await gpuEngine(modelPath, { context: request.contextNeeded, ...(kvCache ? { kvCache } : {}) }, models);
  if (kind === 'attention-distance' && !hooks) {
    await close();
    throw new Error('this engine does not gather attention statistics (no ProbeHooks); --engine cpu runs them on the CPU reference');
  }
  // Ctrl-C stops the probe between forward passes and releases the GPU instead of killing mid-dispatch
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  const ctx: ProbeContext = { engine, hooks, tokenizer, model, models: switcher, onProgress: progress, signal: interrupt.signal };
  try {
    const result = await request.run(ctx);
    if (progress) process.stderr.write('\n');
    if (values.json) process.stdout.write(probeResultJson(result) + '\n');
    else if (values.csv) process.stdout.write(probeResultCsv(result as ProbeResult));
    else process.stdout.write(request.render(result) + '\n');
  } finally {
    process.off('SIGINT', onSigint);
    await close();
  }
}

/** The changes the --rope-* flags and --variants specs ask for, each checked on its own (before any file is read). */
interface RopeOverrides {
  flags: RopeChange | null;
  variants: Array<{ spec: string; change: RopeChange }>;
}

function ropeOverrides(values: Values): RopeOverrides {
  const originalContext =
    values['rope-original-context'] === undefined
      ? undefined
      : intOption('rope-original-context', values['rope-original-context'], undefined, MAX_TOKENS_OPTION);
  let flags: RopeChange | null = null;
  if ([values['rope-base'], values['rope-scaling'], values['rope-factor']].some((f) => f !== undefined)) {
    const scaling = values['rope-scaling'];
    if (scaling !== undefined && !Object.hasOwn(SCALING, scaling))
      throw new CliError(`--rope-scaling must be one of ${Object.keys(SCALING).join(', ')}, got '${scaling}'`);
    flags = {
      type: scaling === undefined ? undefined : SCALING[scaling],
      base: values['rope-base'] === undefined ? undefined : rangeOption('rope-base', values['rope-base'], ROPE_BASE_RANGE),
      factor: values['rope-factor'] === undefined ? undefined : rangeOption('rope-factor', values['rope-factor'], ROPE_FACTOR_RANGE),
      originalContext,
    };
  }
  const specs = values.variants?.split(',') ?? [];
  if (specs.length > 32) throw new CliError(`--variants takes at most 32 specs, got ${specs.length}`);
  const variants = specs.map((spec) => {
    const m = /^\s*([a-z0-9]+):([0-9.e+]+)\s*$/.exec(spec);
    const value = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(value) || !(m[1] === 'base' || Object.hasOwn(SCALING, m[1]))) {
      throw new CliError(`--variants: '${spec}' is not base:B or TYPE:FACTOR with TYPE one of ${Object.keys(SCALING).join(', ')}`);
    }
    const range = m[1] === 'base' ? ROPE_BASE_RANGE : ROPE_FACTOR_RANGE;
    if (!inRange(value, range))
      throw new CliError(`--variants: '${spec}': ${m[1] === 'base' ? 'the base' : 'the factor'} must be ${describeRange(range)}`);
    const change: RopeChange = m[1] === 'base' ? { base: value, originalContext } : { type: SCALING[m[1]], factor: value, originalContext };
    return { spec, change };
  });
  return { flags, variants };
}

/**
 * The model's own RoPE, then the override the --rope-* flags describe (if any), then one per --variants
 * spec ("base:40000", "linear:4", "yarn:4": a new base, or a scaling type and factor, applied to the
 * model's RoPE; --rope-original-context applies to every scaled variant).
 */
function ropeVariants(overrides: RopeOverrides, own: RopeConfig, trainedContext: number): RopeVariant[] {
  const variants: RopeVariant[] = [{ label: 'own', rope: null }];
  if (overrides.flags) variants.push(overrideVariant(own, overrides.flags, trainedContext, 'rope override'));
  for (const { spec, change } of overrides.variants) variants.push(overrideVariant(own, change, trainedContext, `--variants ${spec}`));
  return variants;
}

interface RopeChange {
  type?: RopeConfig['type'];
  base?: number;
  factor?: number;
  originalContext?: number;
}

/** The model's RoPE with `change` applied, validated, and labelled as a chart legend would say it. */
function overrideVariant(own: RopeConfig, change: RopeChange, trainedContext: number, what: string): RopeVariant {
  const type = change.type ?? own.type;
  const raw: Record<string, unknown> = { ...own, type };
  if (change.base !== undefined) raw.base = change.base;
  if (change.factor !== undefined) raw.factor = change.factor;
  if (change.originalContext !== undefined) raw.originalContext = change.originalContext;
  else if (['yarn', 'llama3', 'longrope', 'dynamic'].includes(type) && raw.originalContext === undefined)
    raw.originalContext = trainedContext;
  if (type === 'default') delete raw.factor;
  const checked = validateRopeConfig(raw);
  if (!checked.ok) throw new CliError(`${what}: ${checked.error}`);
  return { label: variantLabel(own, checked.config), rope: checked.config };
}

interface ProbeRequest {
  /** Positions the engine's KV cache must hold. */
  contextNeeded: number;
  run(ctx: ProbeContext): Promise<unknown>;
  render(result: unknown): string;
}

/** Token counts (--lengths, --contexts) and how many values a list option takes. */
const TOKENS: Range = { min: 1, max: MAX_TOKENS_OPTION, integer: true };
const MAX_LIST = 64;

async function probeRequest(kind: Kind, v: Values, ctxLength: number, variants: RopeVariant[]): Promise<ProbeRequest> {
  const lengths = numberListOption('lengths', v.lengths, TOKENS, MAX_LIST) ?? [ctxLength / 4, ctxLength / 2, ctxLength].map(Math.floor);
  const trials = intOption('trials', v.trials, 4, 1000);
  const seed = rangeOption('seed', v.seed, { min: 0, max: 0xffffffff, integer: true }, 1);
  const guard = <T>(fn: () => Promise<T>) =>
    fn().catch((err: unknown) => {
      throw err instanceof RangeError ? new CliError(err.message) : err; // the probes' RangeErrors are bad options
    });
  switch (kind) {
    case 'loss-by-position': {
      const texts = await readTexts(v, 4);
      const binsPerOctave = intOption('bins-per-octave', v['bins-per-octave'], 2, 64);
      return {
        contextNeeded: ctxLength,
        run: (ctx) => guard(() => runLossByPosition(ctx, { texts, ctx: ctxLength, variants, binsPerOctave })),
        render: (r) => renderLoss(r as Awaited<ReturnType<typeof runLossByPosition>>),
      };
    }
    case 'perplexity': {
      // several documents are scored as one stream, as llama.cpp's perplexity reads one file of concatenated texts
      const texts = await readTexts(v, 1, true);
      const text =
        texts.length === 1 ? texts[0] : { id: texts.map((t) => t.id).join('+'), text: texts.map((t) => t.text.trim()).join('\n\n') };
      const contexts = numberListOption('contexts', v.contexts, TOKENS, MAX_LIST) ?? [ctxLength];
      const method = v.method ?? 'chunked';
      if (method !== 'chunked' && method !== 'sliding') throw new CliError(`--method must be chunked or sliding, got '${method}'`);
      const stride = v.stride === undefined ? undefined : intOption('stride', v.stride, undefined, MAX_TOKENS_OPTION);
      const maxWindows = v['max-windows'] === undefined ? undefined : intOption('max-windows', v['max-windows'], undefined, 2 ** 20);
      return {
        contextNeeded: Math.max(...contexts),
        run: (ctx) => guard(() => runPerplexity(ctx, { text, method, contexts, stride, maxWindows, variants })),
        render: (r) => {
          const res = r as Awaited<ReturnType<typeof runPerplexity>>;
          return formatTable(
            ['rope', 'ctx', 'ppl', 'scored', 'windows'],
            res.series.flatMap((s) => s.points.map((p) => [s.variant.label, p.ctx, p.ppl, p.scored, p.windows])),
          );
        },
      };
    }
    case 'attention-distance': {
      const [text] = await readTexts(v, 1);
      const mapOf = v.map === undefined ? undefined : parseHead(v.map);
      return {
        contextNeeded: ctxLength,
        run: (ctx) => guard(() => runAttentionProbe(ctx, { text, ctx: ctxLength, variants, mapOf })),
        render: (r) => renderAttention(r as Awaited<ReturnType<typeof runAttentionProbe>>),
      };
    }
    case 'passkey': {
      const depths = numberListOption('depths', v.depths, { min: 0, max: 1 }, MAX_LIST) ?? [0, 0.25, 0.5, 0.75, 1];
      const maxTokens = intOption('max-tokens', v['max-tokens'], 8, 4096);
      return {
        contextNeeded: Math.max(...lengths) + maxTokens,
        run: (ctx) => guard(() => runPasskey(ctx, { lengths, depths, trials, seed, variants, maxTokens })),
        render: (r) => {
          const res = r as Awaited<ReturnType<typeof runPasskey>>;
          return formatTable(
            ['rope', 'length', ...depths.map((d) => `depth ${d}`)],
            res.series.flatMap((s) => lengths.map((l, li) => [s.variant.label, l, ...s.accuracy[li]])),
          );
        },
      };
    }
    case 'first-sentence': {
      const texts =
        v.text === undefined && v['text-file'] === undefined
          ? await Promise.all(
              nodeBuiltinTexts()
                .filter((t) => t.corpus === 'sotu')
                .map(async (t) => ({ id: t.id, text: await t.load() })),
            )
          : await readTexts(v, 1);
      return {
        contextNeeded: Math.max(...lengths) + 256, // the answer: the first sentence and some slack
        run: (ctx) => guard(() => runFirstSentence(ctx, { texts, lengths, trials, seed, variants })),
        render: (r) => {
          const res = r as Awaited<ReturnType<typeof runFirstSentence>>;
          return formatTable(
            ['rope', ...lengths.map((l) => `ROUGE-L @${l}`)],
            res.series.map((s) => [s.variant.label, ...s.meanRougeL]),
          );
        },
      };
    }
  }
}

/** --text-file, or --text ids, or the `count` latest addresses (the longest one when `longest`). */
async function readTexts(v: Values, count: number, longest = false): Promise<ProbeText[]> {
  if (v['text-file'] !== undefined && v.text !== undefined) throw new CliError('give --text-file or --text, not both');
  if (v['text-file'] !== undefined) return [{ id: 'user', text: readTextFile('--text-file', v['text-file']) }];
  const builtin = nodeBuiltinTexts();
  if (v.text !== undefined) {
    return Promise.all(
      expandTextIds(
        v.text.split(',').map((id) => id.trim()),
        builtin,
      ).map(async (id) => {
        try {
          return { id, text: await findProbeText(builtin, id.trim()).load() };
        } catch (err) {
          throw new CliError(`--text: ${(err as Error).message}`);
        }
      }),
    );
  }
  const sotu = builtin.filter((t) => t.corpus === 'sotu');
  const chosen = longest ? [findText(sotu, 'sotu-1981-jimmy-carter')] : sotu.slice(-count); // Carter 1981: the longest, ~46K Llama tokens
  return Promise.all(chosen.map(async (t) => ({ id: t.id, text: await t.load() })));
}

function parseHead(value: string): { layer: number; head: number } {
  const m = /^(\d{1,6}):(\d{1,6})$/.exec(value);
  if (!m) throw new CliError(`--map must be LAYER:HEAD (e.g. 3:5), got '${value}'`);
  return { layer: Number(m[1]), head: Number(m[2]) };
}

/** The CPU reference; `--kv-cache f16` makes it round keys and values to half as the GPU's f16 cache does. */
function cpuEngine(weights: ReferenceWeights, tokenizer: Tokenizer, kvCache: LoadOptions['kvCache']) {
  const engine = new ReferenceProbeEngine(weights, tokenizer, { kvCache });
  return { engine, hooks: engine, close: async () => {}, switcher: undefined };
}

/** With `models`, an engine with nothing loaded yet: the switcher loads each variant's model. */
async function gpuEngine(path: string, load: LoadOptions, models: ModelChoice[] | null) {
  const { createNodeEngine, loadModel } = await import('../engine-node.ts'); // Dawn loads only when the GPU engine is asked for
  const engine = models ? createNodeEngine() : (await loadModel(path, load)).engine;
  const switcher = models ? cliModelSwitcher(engine, models, load) : undefined;
  return { engine, hooks: hasProbeHooks(engine) ? engine : undefined, close: () => engine.destroy(), switcher };
}

function renderLoss(r: Awaited<ReturnType<typeof runLossByPosition>>): string {
  const { edges } = r.series[0].binned;
  const rows = edges.slice(0, -1).map((lo, b) => [`${lo}–${edges[b + 1] - 1}`, ...r.series.map((s) => s.binned.mean[b])]);
  return [
    formatTable(['positions', ...r.series.map((s) => s.variant.label)], rows),
    `mean loss: ${r.series.map((s) => `${s.variant.label} ${s.meanLoss.toFixed(4)}`).join(', ')} (nats, ${r.provenance.texts.length} texts)`,
  ].join('\n');
}

function renderAttention(r: Awaited<ReturnType<typeof runAttentionProbe>>): string {
  const rows: Array<Array<string | number>> = [];
  for (const s of r.series) {
    for (let l = 0; l < s.stats.layers; l++) {
      for (let h = 0; h < s.stats.heads; h++) {
        const sum = headSummary(s.stats, l, h);
        rows.push([s.variant.label, l, h, meanBucketDistance(sum.bucketMass), sum.entropy, sum.sinkMass]);
      }
    }
  }
  return formatTable(['rope', 'layer', 'head', 'mean distance', 'entropy', 'sink'], rows);
}
