// Keeps the browser URL and the store in step: experiment changes become history entries (pushed for
// discrete changes, replaced while one control keeps changing), back/forward restores the experiment,
// and an unusable URL leaves the current experiment alone and raises a notice.
import { defaultExperiment } from './defaults.ts';
import type { ExperimentState } from './experiment.ts';
import type { LabStore } from './labStore.ts';
import { decodeExperimentFromSearch, urlWithExperiment, type UrlExperiment } from './urlCodec.ts';

/**
 * The experiment a page load starts with, and the problem with its URL, if any. It runs before the page
 * renders, so even a decoder bug becomes a notice over the default experiment, never an empty page.
 */
export function experimentFromLocation(
  search: string,
  decode: (search: string) => UrlExperiment = decodeExperimentFromSearch,
): { experiment: ExperimentState; error?: string } {
  let decoded: UrlExperiment;
  try {
    decoded = decode(search);
  } catch (err) {
    decoded = {
      kind: 'invalid',
      error: `it could not be read (${String((err as Error)?.message ?? err)
        .replace(/\s+/g, ' ')
        .slice(0, 200)})`,
    };
  }
  if (decoded.kind === 'ok') return { experiment: decoded.experiment };
  const fallback = defaultExperiment();
  const experiment = decoded.view ? { ...fallback, view: decoded.view } : fallback;
  return decoded.kind === 'invalid' ? { experiment, error: decoded.error } : { experiment };
}

export function invalidUrlNotice(error: string): string {
  return `The link's lab state was ignored: ${error}.`;
}

/**
 * Rewrites the current entry to the full link of the experiment now shown (a default filled in, a
 * broken link replaced), so the address bar can always be copied to reproduce the view, even after the
 * default experiment changes in a later version.
 */
export function writeCanonicalUrl(store: LabStore, win: Window = window): void {
  const url = urlWithExperiment(win.location.href, store.getState().experiment);
  if (url !== win.location.href) win.history.replaceState(null, '', url);
}

export interface UrlSyncOptions {
  /** Inside an iframe every change replaces the entry, so the host page's back button stays the host's. */
  replaceOnly?: boolean;
}

/** Starts syncing; returns the function that stops it. */
export function connectUrlSync(store: LabStore, win: Window = window, options: UrlSyncOptions = {}): () => void {
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.experiment === previous.experiment || state.historyMode === 'none') return;
    const url = urlWithExperiment(win.location.href, state.experiment);
    if (url === win.location.href) return;
    if (state.historyMode === 'push' && !options.replaceOnly) win.history.pushState(null, '', url);
    else win.history.replaceState(null, '', url);
  });
  const onPopState = () => {
    const { experiment, error } = experimentFromLocation(win.location.search);
    const { actions } = store.getState();
    if (error) actions.notify('error', invalidUrlNotice(error));
    else actions.replaceExperiment(experiment, 'none');
  };
  win.addEventListener('popstate', onPopState);
  return () => {
    unsubscribe();
    win.removeEventListener('popstate', onPopState);
  };
}
