// The page's handle on the analytics worker: one worker, started on first use, with every answer
// memoised by its inputs (the inputs fully determine the answer, so a repeat costs nothing).
import { wrap, type Remote } from 'comlink';
import type { MinBaseOptions, RopeConfig } from '../rope/index.ts';
import type { AnalyticsWorkerApi, MinBaseAnswer } from './analytics.worker.ts';

export type { MinBaseAnswer } from './analytics.worker.ts';

let remote: Remote<AnalyticsWorkerApi> | null = null;
const answers = new Map<string, Promise<unknown>>();
const MAX_ANSWERS = 256;

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

export const analyticsWorker = {
  sweep(headDim: number, bases: number[], maxDistance: number) {
    return memo(`sweep|${headDim}|${bases.join(',')}|${maxDistance}`, () => worker().sweep(headDim, bases, maxDistance));
  },
  minBase(headDim: number, context: number, options: MinBaseOptions): Promise<MinBaseAnswer> {
    return memo(`min|${headDim}|${context}|${JSON.stringify(options)}`, () => worker().minBase(headDim, context, options) as Promise<MinBaseAnswer>);
  },
  firstNegative(config: RopeConfig, maxDistance: number): Promise<number | null> {
    return memo(`neg|${JSON.stringify(config)}|${maxDistance}`, () => worker().firstNegative(config, maxDistance));
  },
};
