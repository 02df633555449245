// Hands each lab instance its own store through React context (no module-level singleton, so a page can
// hold several labs and tests can mount fresh ones).
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { LabState, LabStore } from '../state/labStore.ts';

const LabStoreContext = createContext<LabStore | null>(null);

export function LabStoreProvider({ store, children }: { store: LabStore; children: ReactNode }) {
  return <LabStoreContext.Provider value={store}>{children}</LabStoreContext.Provider>;
}

export function useLabStoreApi(): LabStore {
  const store = useContext(LabStoreContext);
  if (!store) throw new Error('useLab* must be used inside <LabStoreProvider>');
  return store;
}

/** Subscribes to one slice; pass a module-level selector from labStore.ts. */
export function useLab<T>(selector: (state: LabState) => T): T {
  return useStore(useLabStoreApi(), selector);
}
