// The built-in texts' catalog (ids and titles), loaded on first use: texts-vite.ts pulls in the loader
// map of ~300 lazily loaded documents, which the page needs only once the Probes section is open.
import { useEffect, useState } from 'react';

export interface TextChoice {
  id: string;
  title: string;
}

let catalog: Promise<TextChoice[]> | null = null;

function loadCatalog(): Promise<TextChoice[]> {
  catalog ??= import('../../data/texts-vite.ts').then(({ viteBuiltinTexts }) =>
    viteBuiltinTexts().map((t) => ({ id: t.id, title: t.title })).reverse(), // newest addresses first
  );
  return catalog;
}

export function useBuiltinTexts(): TextChoice[] {
  const [texts, setTexts] = useState<TextChoice[]>([]);
  useEffect(() => {
    let live = true;
    loadCatalog().then((t) => live && setTexts(t), () => live && setTexts([]));
    return () => {
      live = false;
    };
  }, []);
  return texts;
}
