// useMemo that times its computation with performance.now and reports it to the store, so the status
// line shows how long the last recompute took (the "fast enough to drag a slider" budget is ~16 ms).
import { useEffect, useMemo } from 'react';
import { useLabStoreApi } from '../LabStoreContext.tsx';

export function useMeasuredMemo<T>(compute: () => T, deps: readonly unknown[]): T {
  const store = useLabStoreApi();
  const { value, milliseconds } = useMemo(() => {
    const start = performance.now();
    const value = compute();
    return { value, milliseconds: performance.now() - start };
    // The dependency list is the caller's, as with useMemo itself, so the hook rules cannot check it here.
    // eslint-disable-next-line react-hooks/use-memo, react-hooks/exhaustive-deps
  }, deps);
  useEffect(() => store.getState().actions.reportRecompute(milliseconds), [store, milliseconds, value]);
  return value;
}
