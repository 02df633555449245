// `?model=<url | builtin:name>` in the page address: a shared link opens with that model loading, and
// loading a model from a URL or the built-in family writes it there (replacing the history entry: a
// model is not an undo step), so the address bar is always a link to what is on screen. Other
// parameters (the experiment, page mode) are kept. Without the parameter nothing loads at start: the
// analytics need no model, so the built-in default (same origin, a few MB) loads when the Model or
// Probes section opens (ModelActions.loadDefault), and the default model is written as no parameter at
// all. An embedded view loads nothing by itself either (a host's probe run loads the default then: see
// src/embed/probeRun.ts).
import type { StoreApi } from 'zustand/vanilla';
import { BUILTIN_PREFIX, builtinRef } from '../models/builtin.ts';
import type { ModelLabSlices } from './modelStore.ts';

export const MODEL_PARAM = 'model';

export function modelUrlFromSearch(search: string): string | null {
  const value = new URLSearchParams(search).get(MODEL_PARAM);
  return value && value.trim() ? value.trim() : null;
}

/**
 * The URL `href` with `?model=` set to `source` when it is an http(s) URL or a built-in model other than
 * `defaultSource` (what the page opens with anyway), removed otherwise.
 */
export function hrefWithModel(href: string, source: string | null, defaultSource: string | null = null): string {
  const url = new URL(href);
  const linkable = source !== null && (/^https?:\/\//.test(source) || source.startsWith(BUILTIN_PREFIX));
  if (linkable && source !== defaultSource) url.searchParams.set(MODEL_PARAM, source);
  else url.searchParams.delete(MODEL_PARAM);
  return url.toString();
}

/** Starts the load a `?model=` asks for and keeps the parameter in step; returns the disconnect function. */
export function connectModelUrl<T extends ModelLabSlices>(store: StoreApi<T>, win: Window = window): () => void {
  const requested = modelUrlFromSearch(win.location.search);
  const { model } = store.getState();
  void model.actions.refreshBuiltins(); // the default's name, before any load finishes
  if (requested) {
    model.actions.setUrlDraft(requested);
    void model.actions.load({ kind: 'url', url: requested });
  }
  return store.subscribe((state, previous) => {
    if (state.model.info === previous.model.info || !state.model.info) return;
    const { builtins } = state.model;
    const href = hrefWithModel(win.location.href, state.model.source, builtins && builtinRef(builtins.default));
    if (href !== win.location.href) win.history.replaceState(win.history.state, '', href);
  });
}
