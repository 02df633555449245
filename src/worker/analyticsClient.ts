// The page's analytics client: one worker, started on first use, with every answer memoised by its
// inputs (the inputs fully determine the answer, so a repeat costs nothing). main.tsx creates it and
// hands it to the UI, which sees only the AnalyticsClient interface.
import { wrap, type Remote } from 'comlink';
import type { AnalyticsClient, MinBaseAnswer } from './analytics-api.ts';
import type { AnalyticsWorkerApi } from './analytics.worker.ts';

const MAX_ANSWERS = 256;

export function createAnalyticsClient(): AnalyticsClient {
  let remote: Remote<AnalyticsWorkerApi> | null = null;
  const answers = new Map<string, Promise<unknown>>();

  function worker(): Remote<AnalyticsWorkerApi> {
    remote ??= wrap<AnalyticsWorkerApi>(new Worker(new URL('./analytics.worker.ts', import.meta.url), { type: 'module' }));
    return remote;
  }

  function memo<T>(key: string, ask: () => Promise<T>): Promise<T> {
    let answer = answers.get(key) as Promise<T> | undefined;
    if (!answer) {
      answer = ask();
      answers.set(key, answer);
      answer.catch(() => answers.delete(key));
      if (answers.size > MAX_ANSWERS) answers.delete(answers.keys().next().value as string);
    }
    return answer;
  }

  return {
    sweep(headDim, bases, maxDistance) {
      return memo(`sweep|${headDim}|${bases.join(',')}|${maxDistance}`, () => worker().sweep(headDim, bases, maxDistance));
    },
    minBase(headDim, context, options) {
      // comlink's Remote distributes over the union; the answer is the same MinBaseAnswer
      return memo(
        `min|${headDim}|${context}|${JSON.stringify(options)}`,
        () => worker().minBase(headDim, context, options) as Promise<MinBaseAnswer>,
      );
    },
    firstNegative(config, maxDistance) {
      return memo(`neg|${JSON.stringify(config)}|${maxDistance}`, () => worker().firstNegative(config, maxDistance));
    },
  };
}
