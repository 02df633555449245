// The probe request in the page address: `&probe=<base64url(JSON {probe, options})>`, validated with
// parseProbeRequest like any untrusted input. A shared link opens the Probes section, restores the
// stored result of that request when this browser has one, and otherwise offers to run it.
import { parseProbeRequest, type ProbeRequest } from '../probes/index.ts';
import type { StoreApi } from 'zustand/vanilla';
import type { ProbeSlices } from './probeSlice.ts';
import { decodeBase64Url, encodeBase64Url } from './urlCodec.ts';

export const PROBE_PARAM = 'probe';
/** Longer values are refused before decoding (a request with 8 variants is about 2 KB). */
const MAX_PROBE_PARAM_LENGTH = 16_384;

export type UrlProbe = { kind: 'absent' } | { kind: 'ok'; request: ProbeRequest } | { kind: 'invalid'; error: string };

export function encodeProbeParam(request: ProbeRequest): string {
  const { probe, ...options } = request;
  return encodeBase64Url(JSON.stringify({ probe, options }));
}

export function probeFromSearch(search: string): UrlProbe {
  const encoded = new URLSearchParams(search).get(PROBE_PARAM);
  if (encoded === null) return { kind: 'absent' };
  const invalid = (error: string): UrlProbe => ({ kind: 'invalid', error: `the probe parameter ${error}` });
  if (encoded.length > MAX_PROBE_PARAM_LENGTH) return invalid(`is ${encoded.length} characters long (at most ${MAX_PROBE_PARAM_LENGTH})`);
  const json = decodeBase64Url(encoded);
  if (json === null) return invalid('is not valid base64url-encoded UTF-8');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return invalid('does not hold valid JSON');
  }
  if (typeof value !== 'object' || value === null) return invalid('must hold {probe, options}');
  const { probe, options } = value as { probe?: unknown; options?: unknown };
  const parsed = parseProbeRequest(probe, options);
  return parsed.ok ? { kind: 'ok', request: parsed.request } : invalid(`is not a valid probe: ${parsed.error}`);
}

/** `href` with the probe parameter set to `request`, or removed when null (other parameters kept). */
export function hrefWithProbe(href: string, request: ProbeRequest | null): string {
  const url = new URL(href);
  if (request) url.searchParams.set(PROBE_PARAM, encodeProbeParam(request));
  else url.searchParams.delete(PROBE_PARAM);
  return url.toString();
}

/**
 * Opens the probe a link asks for (its stored result, or the request offered as a run) and keeps the
 * parameter naming the result on screen or the run in progress; returns the disconnect function.
 * `onInvalid` hears a parameter that fails validation, which then leaves the address.
 */
export function connectProbeUrl(store: StoreApi<ProbeSlices>, onInvalid: (error: string) => void, win: Window = window): () => void {
  const asked = probeFromSearch(win.location.search);
  if (asked.kind === 'invalid') {
    onInvalid(asked.error);
    // reported once: a section opened again must not read (and report) the same bad link again
    win.history.replaceState(win.history.state, '', hrefWithProbe(win.location.href, null));
  }
  if (asked.kind === 'ok') void store.getState().probes.actions.open(asked.request);
  else void store.getState().probes.actions.refresh();
  return store.subscribe((state, previous) => {
    const now = shownRequest(state.probes);
    if (!now || now === shownRequest(previous.probes)) return;
    const href = hrefWithProbe(win.location.href, now);
    if (href !== win.location.href) win.history.replaceState(win.history.state, '', href);
  });
}

/** The single request the address names; none while a preset experiment runs (presetUrl.ts names it). */
function shownRequest(p: ProbeSlices['probes']): ProbeRequest | null {
  if (p.running?.step) return null;
  return p.running?.request ?? p.results.find((r) => r.id === p.selectedId)?.request ?? null;
}
