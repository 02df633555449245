// The playground: sampling settings and the text the loaded model streams back, the `playground` part of
// the lab store, in two modes. Completion continues a prompt as written; chat renders the conversation
// with the model's own chat template (chatPrompt.ts) and adds each reply to it. Tokens are appended as the
// engine produces them; Stop asks the engine to cancel, which it honours between steps, and the text
// produced so far stays.
import type { GenerateOptions, GenerateResult } from '../engine/types.ts';
import { chatPrompt, type ChatMessage } from './chatPrompt.ts';
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

export type PlaygroundMode = 'completion' | 'chat';

export const NO_CHAT_TEMPLATE = 'This model has no chat template (tokenizer.chat_template), so it can only continue text: use Completion.';

export interface PlaygroundState {
  mode: PlaygroundMode;
  /** Completion: the text to continue. */
  prompt: string;
  /** Chat: the system prompt; empty leaves the template's own default. */
  systemPrompt: string;
  /** Chat: the conversation so far, user and assistant turns. */
  chat: ChatMessage[];
  /** Chat: the message being written. */
  chatInput: string;
  sampling: SamplingSettings;
  status: RunStatus;
  /** The prompt of the current (or last) completion, shown before its output. */
  runPrompt: string;
  /** The text of the current (or last) completion, or the chat reply being streamed. */
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
  setMode(mode: PlaygroundMode): void;
  setPrompt(prompt: string): void;
  setSystemPrompt(text: string): void;
  setChatInput(text: string): void;
  setSampling(key: SamplingKey, value: number): void;
  /** Completion: continues the prompt. */
  generate(): Promise<void>;
  /** Chat: sends the message being written and streams the reply. */
  send(): Promise<void>;
  /** Chat: starts a new conversation (the system prompt stays). */
  clearChat(): void;
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

  /** One generation; the result, or null when it failed (the error is on screen). */
  const run = async (prompt: string, runPrompt: string, extra: Partial<GenerateOptions> = {}): Promise<GenerateResult | null> => {
    const { sampling } = get().playground;
    patch({ status: 'running', runPrompt, output: '', generated: 0, firstTokenAt: null, lastTokenAt: null, result: null, error: null });
    const { maxTokens, temperature, topK, topP, minP, repeatPenalty, seed } = sampling;
    try {
      const result = await services.engine.generate(
        prompt,
        { maxTokens, temperature, topK, topP, minP, repeatPenalty, repeatLastN: 64, seed, ...extra },
        (token) => {
          const now = performance.now();
          patch((p) => ({
            output: p.output + token.text,
            generated: p.generated + 1,
            firstTokenAt: p.firstTokenAt ?? now,
            lastTokenAt: now,
          }));
        },
      );
      const { promptTokens, tokensPerSecond, promptTokensPerSecond, stoppedBy } = result;
      // The final text is the engine's decode of all tokens (streamed pieces can split a UTF-8 character).
      patch({
        status: 'idle',
        output: result.text,
        generated: result.tokens.length,
        result: { promptTokens, tokensPerSecond, promptTokensPerSecond, stoppedBy },
      });
      return result;
    } catch (err) {
      patch({ status: 'idle', error: `Generation failed: ${errorMessage(err)}` });
      return null;
    }
  };

  const ready = () => {
    const { playground, model } = get();
    return playground.status === 'idle' && model.info !== null && model.loading === null ? model.info : null;
  };

  const send = async () => {
    const info = ready();
    const { chatInput: text, chat, systemPrompt } = get().playground;
    if (!info || !text.trim()) return;
    if (!info.chatTemplate) return patch({ error: NO_CHAT_TEMPLATE });
    const turns: ChatMessage[] = [...chat, { role: 'user', content: text }];
    let prompt: string;
    try {
      prompt = chatPrompt(info.chatTemplate, systemPrompt, turns);
    } catch (err) {
      return patch({ error: `The model's chat template failed: ${errorMessage(err)}` });
    }
    patch({ chat: turns, chatInput: '' });
    const result = await run(prompt, '', { parseSpecial: true });
    const reply = result?.text.trim() ?? '';
    if (reply) return patch((p) => ({ chat: [...p.chat, { role: 'assistant', content: reply }], output: '' }));
    // No reply (failed, or stopped before the first token): the message goes back to the input, unsent.
    patch((p) => ({ chat: p.chat.slice(0, -1), chatInput: p.chatInput.trim() ? `${text}\n${p.chatInput}` : text, output: '' }));
  };

  const actions: PlaygroundActions = {
    setMode: (mode) => {
      if (get().playground.status === 'idle') patch({ mode, error: null });
    },
    setPrompt: (prompt) => patch({ prompt }),
    setSystemPrompt: (systemPrompt) => patch({ systemPrompt }),
    setChatInput: (chatInput) => patch({ chatInput }),
    setSampling: (key, value) => patch((p) => ({ sampling: { ...p.sampling, [key]: clampSetting(key, value, p.sampling[key]) } })),
    generate: async () => {
      if (!ready()) return;
      const { prompt } = get().playground;
      await run(prompt, prompt);
    },
    send,
    clearChat: () => {
      if (get().playground.status === 'idle') patch({ chat: [], output: '', result: null, generated: 0, error: null });
    },
    stop: () => {
      if (get().playground.status !== 'running') return;
      patch({ status: 'stopping' });
      services.engine.cancel();
    },
  };

  return {
    mode: 'completion',
    prompt: 'Once upon a time',
    systemPrompt: '',
    chat: [],
    chatInput: '',
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
