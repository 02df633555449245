// `lab ppl --model m.gguf --text-file t.txt --ctx 512 [--rope-base B] [--rope-scaling none|linear|yarn]
//  [--rope-factor F] [--rope-original-context N] [--max-chunks N] [--kv-cache f32|f16] [--json]`: perplexity as llama.cpp's
// perplexity tool computes it (see src/engine/perplexity.ts), optionally under a RoPE override — the
// lab's way to measure what base changes (ABF) or position interpolation do at a given context.
import { existsSync, readFileSync } from 'node:fs';
import type { RopeConfig } from '../../rope/config.ts';
import { validateRopeConfig } from '../../rope/validate.ts';
import { perplexity } from '../../engine/perplexity.ts';
import { CliError, intOption, numberOption, output, parseOptions } from '../args.ts';
import { loadModel } from '../engine-node.ts';
import { KV_CACHE_OPTION, kvCacheOption } from '../kv-cache-option.ts';

const SCALINGS = ['none', 'linear', 'yarn'] as const;

/**
 * The text as `llama-perplexity -f` reads it (common/arg.cpp): the whole file with one trailing '\n'
 * dropped, so a text ending on a chunk boundary gives llama.cpp's number of chunks.
 */
export function readPerplexityText(path: string): string {
  const text = readFileSync(path, 'utf8');
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** The RoPE override the options ask for, on top of the model's own; null when none is asked. */
function ropeOverride(model: RopeConfig, values: Record<string, string | boolean | undefined>): RopeConfig | null {
  const base = values['rope-base'] === undefined ? undefined : numberOption('rope-base', values['rope-base'] as string);
  const scaling = values['rope-scaling'] as string | undefined;
  const factor = values['rope-factor'] === undefined ? undefined : numberOption('rope-factor', values['rope-factor'] as string);
  const original = values['rope-original-context'] === undefined ? undefined : intOption('rope-original-context', values['rope-original-context'] as string);
  if (base === undefined && scaling === undefined && factor === undefined && original === undefined) return null;
  if (scaling !== undefined && !(SCALINGS as readonly string[]).includes(scaling))
    throw new CliError(`--rope-scaling must be one of ${SCALINGS.join(', ')}, got '${scaling}'`);
  const type = scaling ?? (factor !== undefined ? 'linear' : 'none');
  if (type !== 'none' && factor === undefined) throw new CliError(`--rope-scaling ${type} needs --rope-factor`);
  const cfg: Record<string, unknown> = { headDim: model.headDim, base: base ?? model.base, type: type === 'none' ? 'default' : type };
  if (model.partialRotaryFactor !== undefined) cfg.partialRotaryFactor = model.partialRotaryFactor;
  if (type !== 'none') cfg.factor = factor;
  if (type === 'yarn') cfg.originalContext = original ?? model.originalContext ?? model.maxPositionEmbeddings;
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
  if (!existsSync(textFile)) throw new CliError(`--text-file: no such file '${textFile}'`);
  const ctx = intOption('ctx', values.ctx, 512);
  if (ctx < 4) throw new CliError(`--ctx must be at least 4, got ${ctx}`);
  if (values['rope-scaling'] !== undefined && !(SCALINGS as readonly string[]).includes(values['rope-scaling']))
    throw new CliError(`--rope-scaling must be one of ${SCALINGS.join(', ')}, got '${values['rope-scaling']}'`);
  const maxChunks = values['max-chunks'] === undefined ? Infinity : intOption('max-chunks', values['max-chunks']);
  const kvCache = kvCacheOption(values['kv-cache']);

  const { engine, info } = await loadModel(values.model, { context: ctx, ...(kvCache ? { kvCache } : {}) });
  try {
    const override = ropeOverride(info.rope, values);
    if (override) await engine.setRope(override);
    const tokenizer = engine.tokenizer();
    const tokens = tokenizer.encode(readPerplexityText(textFile));
    const bos = tokenizer.addsBos ? tokenizer.bos : null;
    const usable = Math.min(tokens.length, maxChunks === Infinity ? tokens.length : Math.max(2, maxChunks) * ctx);
    const result = await perplexity(tokens.slice(0, usable), ctx, bos, (chunk, first) => engine.score(chunk, { firstScored: first }),
      (done, total, ppl) => { if (!values.json) process.stderr.write(`\rchunk ${done}/${total}: ${ppl.toFixed(4)}`); });
    if (!values.json) process.stderr.write('\n');
    output(values.json, { ...result, ctx, rope: override ?? info.rope, kvCache: info.kvCache.dtype },
      () => `perplexity ${result.perplexity.toFixed(4)} over ${result.chunks} chunks of ${ctx} (${result.scored} predictions)`);
  } finally {
    await engine.destroy();
  }
}
