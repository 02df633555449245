// The experiment in the URL: `?s=<base64url(JSON)>` carries the whole versioned state (see
// parseExperiment for its shape); a readable `&view=<id>` may override the view, so hand-written embed
// links like `?embed=1&view=decay` work without an `s`. Page-mode parameters (`embed`, `origin`) are
// left untouched when the lab rewrites the URL.
import { VIEW_IDS, type ExperimentState, type ViewId } from './experiment.ts';
import { parseExperiment, serialiseExperiment } from './parseExperiment.ts';

/** Longer `s` values are refused before decoding (a real state is a few hundred characters). */
export const MAX_STATE_PARAM_LENGTH = 32_768;

export function encodeBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes base64url to text; null when the input is not base64url or not UTF-8. */
export function decodeBase64Url(encoded: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(encoded) || encoded.length % 4 === 1) return null;
  try {
    const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

export function encodeExperimentParam(experiment: ExperimentState): string {
  return encodeBase64Url(JSON.stringify(serialiseExperiment(experiment)));
}

/** What the URL asks for: nothing (use the default), a valid experiment, or a problem to show. */
export type UrlExperiment =
  { kind: 'absent'; view?: ViewId } | { kind: 'ok'; experiment: ExperimentState } | { kind: 'invalid'; error: string; view?: ViewId };

function readView(params: URLSearchParams): { view?: ViewId; error?: string } {
  const view = params.get('view');
  if (view === null) return {};
  if (!(VIEW_IDS as readonly string[]).includes(view))
    return { error: `view must be one of ${VIEW_IDS.join(', ')}, got ${JSON.stringify(view.slice(0, 40))}` };
  return { view: view as ViewId };
}

export function decodeExperimentFromSearch(search: string): UrlExperiment {
  const params = new URLSearchParams(search);
  const viewParam = readView(params);
  const encoded = params.get('s');
  if (encoded === null) {
    return viewParam.error ? { kind: 'invalid', error: viewParam.error } : { kind: 'absent', view: viewParam.view };
  }
  const invalid = (error: string): UrlExperiment => ({ kind: 'invalid', error, view: viewParam.view });
  if (encoded.length > MAX_STATE_PARAM_LENGTH)
    return invalid(`the s parameter is ${encoded.length} characters long (at most ${MAX_STATE_PARAM_LENGTH})`);
  const json = decodeBase64Url(encoded);
  if (json === null) return invalid('the s parameter is not valid base64url-encoded UTF-8');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return invalid('the s parameter does not hold valid JSON');
  }
  const parsed = parseExperiment(value);
  if (!parsed.ok) return invalid(parsed.error);
  if (viewParam.error) return { kind: 'invalid', error: viewParam.error };
  const experiment = viewParam.view ? { ...parsed.experiment, view: viewParam.view } : parsed.experiment;
  return { kind: 'ok', experiment };
}

/** The URL of `experiment` on top of `base` (keeps path, hash and page-mode parameters). */
export function urlWithExperiment(base: string, experiment: ExperimentState): string {
  const url = new URL(base);
  url.searchParams.delete('view');
  url.searchParams.set('s', encodeExperimentParam(experiment));
  return url.toString();
}
