// The playground: a prompt, sampling settings, and the text the loaded model streams back, the
// `playground` part of the lab store. Tokens are appended as the engine produces them; Stop asks the
// engine to cancel, which it honours between steps, and the text produced so far stays.
import type { GenerateResult } from '../engine/types.ts';
import { errorMessage } from './modelErrors.ts';
import type { ModelSlices } from './modelSlice.ts';
import type { ModelServices, SliceSetter } from './modelServices.ts';

export interface SamplingSettings {
  maxTokens: number;
  temperature: number;
  topK: number;
  topP: number;
  minP: number;
  repeatPenalty: number;
  seed: number;
}

export type SamplingKey = keyof SamplingSettings;

/** Range, step and meaning of each setting; the controls and the store use the same table. */
export const SAMPLING_FIELDS: Record<SamplingKey, { label: string; min: number; max: number; step: number; hint: string }> = {
  maxTokens: { label: 'Max tokens', min: 1, max: 4096, step: 1, hint: 'tokens to generate at most' },
  temperature: { label: 'Temperature', min: 0, max: 2, step: 0.05, hint: '0 = greedy (always the most likely token)' },
  topK: { label: 'Top-k', min: 0, max: 1000, step: 1, hint: 'keep the k most likely tokens (0 = off)' },
  topP: { label: 'Top-p', min: 0.01, max: 1, step: 0.01, hint: 'keep the most likely tokens up to this probability (1 = off)' },
  minP: { label: 'Min-p', min: 0, max: 1, step: 0.01, hint: 'drop tokens below min-p × the top probability (0 = off)' },
  repeatPenalty: { label: 'Repetition penalty', min: 1, max: 2, step: 0.01, hint: 'penalise the last 64 tokens (1 = off)' },
  seed: { label: 'Seed', min: 0, max: 2 ** 32 - 1, step: 1, hint: 'same seed, same sampled text' },
};

const INTEGER_KEYS: ReadonlySet<SamplingKey> = new Set(['maxTokens', 'topK', 'seed']);

export const DEFAULT_SAMPLING: SamplingSettings = {
  maxTokens: 128,
  temperature: 0.8,
  topK: 40,
  topP: 0.95,
  minP: 0.05,
  repeatPenalty: 1.1,
  seed: 42,
};

/** Brings a value into its field's range (integers rounded); NaN keeps the previous value. */
export function clampSetting(key: SamplingKey, value: number, previous: number): number {
  if (!Number.isFinite(value)) return previous;
  const { min, max } = SAMPLING_FIELDS[key];
  const v = INTEGER_KEYS.has(key) ? Math.round(value) : value;
  return Math.min(max, Math.max(min, v));
}

export type RunStatus = 'idle' | 'running' | 'stopping';

export interface PlaygroundState {
  prompt: string;
  sampling: SamplingSettings;
  status: RunStatus;
  /** The prompt of the current (or last) run, shown before its output. */
  runPrompt: string;
  output: string;
  /** Tokens generated in the current (or last) run. */
  generated: number;
  /** performance.now() of the first and the latest streamed token, for the live tokens/s. */
  firstTokenAt: number | null;
  lastTokenAt: number | null;
  result: Omit<GenerateResult, 'tokens' | 'text'> | null;
  error: string | null;
  actions: PlaygroundActions;
}

export interface PlaygroundActions {
  setPrompt(prompt: string): void;
  setSampling(key: SamplingKey, value: number): void;
  generate(): Promise<void>;
  stop(): void;
}

export interface PlaygroundSlices extends ModelSlices {
  playground: PlaygroundState;
}

export function createPlaygroundSlice<T extends PlaygroundSlices>(
  set: SliceSetter<T>,
  get: () => T,
  services: ModelServices,
): PlaygroundState {
  const patch = (change: Partial<PlaygroundState> | ((p: PlaygroundState) => Partial<PlaygroundState>)) =>
    set((s) => ({ playground: { ...s.playground, ...(typeof change === 'function' ? change(s.playground) : change) } }) as Partial<T>);

  const actions: PlaygroundActions = {
    setPrompt: (prompt) => patch({ prompt }),
    setSampling: (key, value) =>
      patch((p) => ({ sampling: { ...p.sampling, [key]: clampSetting(key, value, p.sampling[key]) } })),
    generate: async () => {
      const { playground, model } = get();
      if (playground.status !== 'idle' || !model.info || model.loading) return;
      patch({ status: 'running', runPrompt: playground.prompt, output: '', generated: 0, firstTokenAt: null, lastTokenAt: null, result: null, error: null });
      const { maxTokens, temperature, topK, topP, minP, repeatPenalty, seed } = playground.sampling;
      try {
        const result = await services.engine.generate(
          playground.prompt,
          { maxTokens, temperature, topK, topP, minP, repeatPenalty, repeatLastN: 64, seed },
          (token) => {
            const now = performance.now();
            patch((p) => ({ output: p.output + token.text, generated: p.generated + 1, firstTokenAt: p.firstTokenAt ?? now, lastTokenAt: now }));
          },
        );
        const { promptTokens, tokensPerSecond, promptTokensPerSecond, stoppedBy } = result;
        // The final text is the engine's decode of all tokens (streamed pieces can split a UTF-8 character).
        patch({ status: 'idle', output: result.text, generated: result.tokens.length, result: { promptTokens, tokensPerSecond, promptTokensPerSecond, stoppedBy } });
      } catch (err) {
        patch({ status: 'idle', error: `Generation failed: ${errorMessage(err)}` });
      }
    },
    stop: () => {
      if (get().playground.status !== 'running') return;
      patch({ status: 'stopping' });
      services.engine.cancel();
    },
  };

  return {
    prompt: 'Once upon a time',
    sampling: { ...DEFAULT_SAMPLING },
    status: 'idle',
    runPrompt: '',
    output: '',
    generated: 0,
    firstTokenAt: null,
    lastTokenAt: null,
    result: null,
    error: null,
    actions,
  };
}
