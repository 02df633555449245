// `lab generate --model m.gguf --prompt "Once" [--temperature 0] [--max-tokens 64] [--ctx N] [--kv-cache f32|f16]
// [--json]`: text generation on the GPU engine. An empty prompt starts from BOS. Sampling follows llama.cpp's chain
// (repetition penalty, top-k, top-p, min-p, temperature); temperature 0 is greedy.
import { CliError, intOption, numberOption, output, parseOptions } from '../args.ts';
import { loadModel } from '../engine-node.ts';
import { KV_CACHE_OPTION, kvCacheOption } from '../kv-cache-option.ts';

export async function run(args: string[]): Promise<void> {
  const { values } = parseOptions(args, {
    model: { type: 'string' },
    prompt: { type: 'string', default: '' },
    temperature: { type: 'string' },
    'max-tokens': { type: 'string' },
    seed: { type: 'string' },
    'top-k': { type: 'string' },
    'top-p': { type: 'string' },
    'min-p': { type: 'string' },
    'repeat-penalty': { type: 'string' },
    'repeat-last-n': { type: 'string' },
    ctx: { type: 'string' },
    ...KV_CACHE_OPTION,
  });
  const temperature = numberOption('temperature', values.temperature, 0);
  if (temperature < 0) throw new CliError(`--temperature must be ≥ 0, got ${temperature}`);
  const maxTokens = intOption('max-tokens', values['max-tokens'], 64);
  const topK = values['top-k'] === undefined ? 0 : intOption('top-k', values['top-k']);
  const topP = numberOption('top-p', values['top-p'], 1);
  if (!(topP > 0 && topP <= 1)) throw new CliError(`--top-p must be in (0, 1], got ${topP}`);
  const minP = numberOption('min-p', values['min-p'], 0);
  if (!(minP >= 0 && minP <= 1)) throw new CliError(`--min-p must be in [0, 1], got ${minP}`);
  const repeatPenalty = numberOption('repeat-penalty', values['repeat-penalty'], 1);
  if (!(repeatPenalty > 0)) throw new CliError(`--repeat-penalty must be > 0, got ${repeatPenalty}`);
  const repeatLastN = intOption('repeat-last-n', values['repeat-last-n'], 64);
  const seed = numberOption('seed', values.seed, 0);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new CliError(`--seed must be an integer in 0…4294967295, got ${values.seed}`);
  const ctx = values.ctx === undefined ? undefined : intOption('ctx', values.ctx);

  const kvCache = kvCacheOption(values['kv-cache']);

  const { engine } = await loadModel(values.model, { ...(ctx === undefined ? {} : { context: ctx }), ...(kvCache ? { kvCache } : {}) });
  try {
    const result = await engine.generate(values.prompt, { maxTokens, temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed });
    output(values.json, {
      tokens: result.tokens, text: result.text, tokensPerSecond: result.tokensPerSecond,
      promptTokens: result.promptTokens, promptTokensPerSecond: result.promptTokensPerSecond, stoppedBy: result.stoppedBy,
    }, () => `${values.prompt}${result.text}\n[${result.tokens.length} tokens, ${result.tokensPerSecond.toFixed(1)} tokens/s, stopped by ${result.stoppedBy}]`);
  } finally {
    await engine.destroy();
  }
}
