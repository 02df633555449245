// `lab ppl --model m.gguf --text-file t.txt --ctx 512 [--rope-base B] [--rope-scaling none|linear|yarn]
//  [--rope-factor F] [--rope-original-context N] [--max-chunks N] [--kv-cache f32|f16] [--json]`: perplexity as llama.cpp's
// perplexity tool computes it (see src/engine/perplexity.ts), optionally under a RoPE override — the
// lab's way to measure what base changes (ABF) or position interpolation do at a given context.
// Every option, the RoPE flags and the text included, is checked before the model loads.
import type { RopeConfig } from '../../rope/config.ts';
import { validateRopeConfig } from '../../rope/validate.ts';
import { perplexity } from '../../engine/perplexity.ts';
import { CliError, intOption, MAX_TOKENS_OPTION, output, parseOptions, rangeOption } from '../args.ts';
import { loadModel } from '../engine-node.ts';
import { readTextFile } from '../files.ts';
import { KV_CACHE_OPTION, kvCacheOption } from '../kv-cache-option.ts';
import { ROPE_BASE_RANGE, ROPE_FACTOR_RANGE } from '../rope-options.ts';

const SCALINGS = ['none', 'linear', 'yarn'] as const;

/**
 * The text as `llama-perplexity -f` reads it (common/arg.cpp): the whole file with one trailing '\n'
 * dropped, so a text ending on a chunk boundary gives llama.cpp's number of chunks.
 */
export function readPerplexityText(path: string): string {
  const text = readTextFile('--text-file', path);
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** What the --rope-* flags ask for, checked on their own; null when none is given. */
interface RopeFlags {
  base?: number;
  type: 'none' | 'linear' | 'yarn';
  factor?: number;
  originalContext?: number;
}

function ropeFlags(values: Record<string, string | boolean | undefined>): RopeFlags | null {
  const text = (flag: string) => values[flag] as string | undefined;
  const base = text('rope-base') === undefined ? undefined : rangeOption('rope-base', text('rope-base'), ROPE_BASE_RANGE);
  const scaling = text('rope-scaling');
  const factor = text('rope-factor') === undefined ? undefined : rangeOption('rope-factor', text('rope-factor'), ROPE_FACTOR_RANGE);
  const originalContext =
    text('rope-original-context') === undefined
      ? undefined
      : intOption('rope-original-context', text('rope-original-context'), undefined, MAX_TOKENS_OPTION);
  if (scaling !== undefined && !(SCALINGS as readonly string[]).includes(scaling))
    throw new CliError(`--rope-scaling must be one of ${SCALINGS.join(', ')}, got '${scaling}'`);
  if (base === undefined && scaling === undefined && factor === undefined && originalContext === undefined) return null;
  const type = (scaling ?? (factor !== undefined ? 'linear' : 'none')) as RopeFlags['type'];
  if (type !== 'none' && factor === undefined) throw new CliError(`--rope-scaling ${type} needs --rope-factor`);
  return { base, type, factor, originalContext };
}

/** The override the flags describe, on top of the model's own RoPE. */
function ropeOverride(model: RopeConfig, flags: RopeFlags): RopeConfig {
  const cfg: Record<string, unknown> = {
    headDim: model.headDim,
    base: flags.base ?? model.base,
    type: flags.type === 'none' ? 'default' : flags.type,
  };
  if (model.partialRotaryFactor !== undefined) cfg.partialRotaryFactor = model.partialRotaryFactor;
  if (flags.type !== 'none') cfg.factor = flags.factor;
  if (flags.type === 'yarn') cfg.originalContext = flags.originalContext ?? model.originalContext ?? model.maxPositionEmbeddings;
  const checked = validateRopeConfig(cfg);
  if (!checked.ok) throw new CliError(`RoPE options: ${checked.error}`);
  return checked.config;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseOptions(args, {
    model: { type: 'string' },
    'text-file': { type: 'string' },
    ctx: { type: 'string' },
    'rope-base': { type: 'string' },
    'rope-scaling': { type: 'string' },
    'rope-factor': { type: 'string' },
    'rope-original-context': { type: 'string' },
    'max-chunks': { type: 'string' },
    ...KV_CACHE_OPTION,
  });
  const textFile = values['text-file'];
  if (!textFile) throw new CliError('missing required option --text-file');
  const ctx = rangeOption('ctx', values.ctx, { min: 4, max: MAX_TOKENS_OPTION, integer: true }, 512);
  const flags = ropeFlags(values);
  const maxChunks = values['max-chunks'] === undefined ? Infinity : intOption('max-chunks', values['max-chunks'], undefined, 2 ** 20);
  const kvCache = kvCacheOption(values['kv-cache']);
  const text = readPerplexityText(textFile);

  const { engine, info } = await loadModel(values.model, { context: ctx, ...(kvCache ? { kvCache } : {}) });
  try {
    const override = flags && ropeOverride(info.rope, flags);
    if (override) await engine.setRope(override);
    const tokenizer = engine.tokenizer();
    const tokens = tokenizer.encode(text);
    const bos = tokenizer.addsBos ? tokenizer.bos : null;
    const usable = Math.min(tokens.length, maxChunks === Infinity ? tokens.length : Math.max(2, maxChunks) * ctx);
    const result = await perplexity(
      tokens.slice(0, usable),
      ctx,
      bos,
      (chunk, first) => engine.score(chunk, { firstScored: first }),
      (done, total, ppl) => {
        if (!values.json) process.stderr.write(`\rchunk ${done}/${total}: ${ppl.toFixed(4)}`);
      },
    );
    if (!values.json) process.stderr.write('\n');
    output(
      values.json,
      { ...result, ctx, rope: override ?? info.rope, kvCache: info.kvCache.dtype },
      () => `perplexity ${result.perplexity.toFixed(4)} over ${result.chunks} chunks of ${ctx} (${result.scored} predictions)`,
    );
  } finally {
    await engine.destroy();
  }
}
