// Awaits an answer from the analytics worker for the current inputs; answers for inputs that have
// since changed are dropped. Reports how long the latest answer took (performance.now, wall clock).
import { useEffect, useState } from 'react';

export interface WorkerAnswer<T> {
  value: T | null;
  pending: boolean;
  error: string | null;
  milliseconds: number | null;
}

export function useWorkerAnswer<T>(ask: () => Promise<T>, deps: readonly unknown[]): WorkerAnswer<T> {
  const [answer, setAnswer] = useState<WorkerAnswer<T>>({ value: null, pending: true, error: null, milliseconds: null });
  // New inputs mark the answer pending at once (set while rendering, so no frame shows it as current).
  const [asked, setAsked] = useState(deps);
  if (asked.length !== deps.length || asked.some((d, i) => !Object.is(d, deps[i]))) {
    setAsked(deps);
    setAnswer((old) => ({ ...old, pending: true }));
  }
  useEffect(() => {
    let current = true;
    const start = performance.now();
    ask().then(
      (value) => current && setAnswer({ value, pending: false, error: null, milliseconds: performance.now() - start }),
      (err: Error) => current && setAnswer({ value: null, pending: false, error: err.message, milliseconds: null }),
    );
    return () => {
      current = false;
    };
    // The dependency list is the caller's, as with useMemo itself, so the hook rules cannot check it here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return answer;
}
