// `?model=<url>` in the page address: a shared link opens with that model loading, and loading a model
// from a URL writes it there (replacing the history entry: a model is not an undo step), so the address
// bar is always a link to what is on screen. Other parameters (the experiment, page mode) are kept.
import type { StoreApi } from 'zustand/vanilla';
import type { ModelLabSlices } from './modelStore.ts';

export const MODEL_PARAM = 'model';

export function modelUrlFromSearch(search: string): string | null {
  const value = new URLSearchParams(search).get(MODEL_PARAM);
  return value && value.trim() ? value.trim() : null;
}

/** The URL `href` with `?model=` set to `source` when it is an http(s) URL, removed otherwise. */
export function hrefWithModel(href: string, source: string | null): string {
  const url = new URL(href);
  if (source && /^https?:\/\//.test(source)) url.searchParams.set(MODEL_PARAM, source);
  else url.searchParams.delete(MODEL_PARAM);
  return url.toString();
}

/** Starts the load a `?model=` asks for and keeps the parameter in step; returns the disconnect function. */
export function connectModelUrl<T extends ModelLabSlices>(store: StoreApi<T>, win: Window = window): () => void {
  const requested = modelUrlFromSearch(win.location.search);
  if (requested) {
    const { model } = store.getState();
    model.actions.setUrlDraft(requested);
    void model.actions.load({ kind: 'url', url: requested });
  }
  return store.subscribe((state, previous) => {
    if (state.model.info === previous.model.info || !state.model.info) return;
    const href = hrefWithModel(win.location.href, state.model.source);
    if (href !== win.location.href) win.history.replaceState(win.history.state, '', href);
  });
}
