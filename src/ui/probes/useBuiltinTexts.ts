// The built-in texts' catalog (ids, titles, whether the lab's models trained on them), loaded on first
// use: texts-vite.ts pulls in the loader map of ~300 lazily loaded documents, which the page needs only
// once the Probes section is open.
import { useEffect, useState } from 'react';
import { textChoices, type TextChoice } from './textChoices.ts';

export type { TextChoice } from './textChoices.ts';

let catalog: Promise<TextChoice[]> | null = null;

function loadCatalog(): Promise<TextChoice[]> {
  catalog ??= import('../../data/texts-vite.ts').then(({ viteBuiltinTexts }) => textChoices(viteBuiltinTexts()));
  return catalog;
}

export function useBuiltinTexts(): TextChoice[] {
  const [texts, setTexts] = useState<TextChoice[]>([]);
  useEffect(() => {
    let live = true;
    loadCatalog().then(
      (t) => live && setTexts(t),
      () => live && setTexts([]),
    );
    return () => {
      live = false;
    };
  }, []);
  return texts;
}
