// Whether this lab instance is the full page or a bare embedded view (set once at start-up).
import { createContext, useContext } from 'react';
import type { PageMode } from '../state/pageMode.ts';

export const PageModeContext = createContext<PageMode>({ embed: false, origin: null });

export function useIsEmbedded(): boolean {
  return useContext(PageModeContext).embed;
}
