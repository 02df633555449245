// `lab generate --model m.gguf --prompt "Once" [--temperature 0] [--max-tokens 64] [--ctx N] [--kv-cache f32|f16]
// [--json]`: text generation on the GPU engine. An empty prompt starts from BOS. Sampling follows llama.cpp's chain
// (repetition penalty, top-k, top-p, min-p, temperature); temperature 0 is greedy.
import { MAX_PENALTY_WINDOW } from '../../engine/gpu/model.ts';
import { intOption, MAX_TOKENS_OPTION, output, parseOptions, rangeOption } from '../args.ts';
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
  const temperature = rangeOption('temperature', values.temperature, { min: 0, max: 100 }, 0);
  const maxTokens = intOption('max-tokens', values['max-tokens'], 64, MAX_TOKENS_OPTION);
  const topK = rangeOption('top-k', values['top-k'], { min: 0, max: 2 ** 20, integer: true }, 0); // 0: off
  const topP = rangeOption('top-p', values['top-p'], { above: 0, max: 1 }, 1);
  const minP = rangeOption('min-p', values['min-p'], { min: 0, max: 1 }, 0);
  const repeatPenalty = rangeOption('repeat-penalty', values['repeat-penalty'], { above: 0, max: 100 }, 1);
  const repeatLastN = intOption('repeat-last-n', values['repeat-last-n'], 64, MAX_PENALTY_WINDOW);
  const seed = rangeOption('seed', values.seed, { min: 0, max: 0xffffffff, integer: true }, 0);
  const ctx = values.ctx === undefined ? undefined : intOption('ctx', values.ctx, undefined, MAX_TOKENS_OPTION);

  const kvCache = kvCacheOption(values['kv-cache']);

  const { engine } = await loadModel(values.model, { ...(ctx === undefined ? {} : { context: ctx }), ...(kvCache ? { kvCache } : {}) });
  try {
    const result = await engine.generate(values.prompt, { maxTokens, temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed });
    output(
      values.json,
      {
        tokens: result.tokens,
        text: result.text,
        tokensPerSecond: result.tokensPerSecond,
        promptTokens: result.promptTokens,
        promptTokensPerSecond: result.promptTokensPerSecond,
        stoppedBy: result.stoppedBy,
      },
      () =>
        `${values.prompt}${result.text}\n[${result.tokens.length} tokens, ${result.tokensPerSecond.toFixed(1)} tokens/s, stopped by ${result.stoppedBy}]`,
    );
  } finally {
    await engine.destroy();
  }
}
