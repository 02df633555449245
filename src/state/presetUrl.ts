// A preset experiment in the page address: `?preset=rope-pi-abf` (and `&ctx=N` when not the default
// 2,048). A shared link opens the Probes section with the preset's stored results side by side, or offers
// to run it; while a preset is on screen the address names it (and no single `&probe=`).
import type { StoreApi } from 'zustand/vanilla';
import { PRESET_TITLES, findPreset, type ProbeSuite } from '../probes/index.ts';
import { PROBE_PARAM } from './probeUrl.ts';
import type { ProbeSlices } from './probeSlice.ts';

export const PRESET_PARAM = 'preset';
export const PRESET_CTX_PARAM = 'ctx';

export type UrlPreset = { kind: 'absent' } | { kind: 'ok'; preset: string; ctx: number } | { kind: 'invalid'; error: string };

export function presetFromSearch(search: string): UrlPreset {
  const params = new URLSearchParams(search);
  const preset = params.get(PRESET_PARAM);
  if (preset === null) return { kind: 'absent' };
  const definition = findPreset(preset);
  if (!definition) {
    return {
      kind: 'invalid',
      error: `the preset parameter must be one of ${Object.keys(PRESET_TITLES).join(', ')}, got ${JSON.stringify(preset.slice(0, 40))}`,
    };
  }
  const { context } = definition;
  const rawCtx = params.get(PRESET_CTX_PARAM);
  const ctx = rawCtx === null ? context.default : Number(rawCtx);
  if (!(/^\d+$/.test(rawCtx ?? '0') && Number.isInteger(ctx) && ctx >= context.min && ctx <= context.max)) {
    return {
      kind: 'invalid',
      error: `the ctx parameter must be an integer from ${context.min} to ${context.max}, got ${JSON.stringify(rawCtx!.slice(0, 20))}`,
    };
  }
  return { kind: 'ok', preset, ctx };
}

/** The link names a preset that brings its own model (SmolLM2): loading the lab's default would be wasted. */
export function presetBringsItsModel(search: string): boolean {
  const asked = presetFromSearch(search);
  return asked.kind === 'ok' && findPreset(asked.preset)?.model !== undefined;
}

/** `href` naming `suite` (and no single probe), or without preset parameters when null. */
export function hrefWithPreset(href: string, suite: Pick<ProbeSuite, 'preset' | 'ctx'> | null): string {
  const url = new URL(href);
  url.searchParams.delete(PRESET_PARAM);
  url.searchParams.delete(PRESET_CTX_PARAM);
  if (suite) {
    url.searchParams.delete(PROBE_PARAM);
    url.searchParams.set(PRESET_PARAM, suite.preset);
    if (suite.ctx !== findPreset(suite.preset)?.context.default) url.searchParams.set(PRESET_CTX_PARAM, String(suite.ctx));
  }
  return url.toString();
}

/** The suite a preset name and context stand for; `heldOut` gives the held-out text ids in year order. */
export function presetSuite(preset: string, ctx: number, heldOut: readonly string[]): ProbeSuite {
  const definition = findPreset(preset);
  if (!definition) throw new RangeError(`no preset '${preset}'`);
  return definition.suite(ctx, heldOut);
}

/**
 * Opens the preset a link asks for and keeps the address naming the preset on screen (a single result
 * selected instead takes the preset out; probeUrl.ts then writes its `&probe=`). Returns the disconnect
 * function; `onInvalid` hears a parameter that fails validation, which then leaves the address.
 */
export function connectPresetUrl(
  store: StoreApi<ProbeSlices>,
  heldOut: () => Promise<string[]>,
  onInvalid: (error: string) => void,
  win: Window = window,
): () => void {
  const asked = presetFromSearch(win.location.search);
  if (asked.kind === 'invalid') {
    onInvalid(asked.error);
    // reported once: a section opened again must not read (and report) the same bad link again
    win.history.replaceState(win.history.state, '', hrefWithPreset(win.location.href, null));
  }
  if (asked.kind === 'ok') {
    heldOut()
      .then((ids) => store.getState().probes.actions.openSuite(presetSuite(asked.preset, asked.ctx, ids)))
      .catch((err: unknown) => onInvalid(`the preset could not be opened: ${(err as Error).message}`));
  }
  return store.subscribe((state, previous) => {
    const now = state.probes.suite?.suite ?? state.probes.pendingSuite;
    const before = previous.probes.suite?.suite ?? previous.probes.pendingSuite;
    const selectedNow = state.probes.selectedId !== null && state.probes.selectedId !== previous.probes.selectedId;
    if (now === before && !selectedNow) return;
    const href = hrefWithPreset(win.location.href, selectedNow ? null : now);
    if (href !== win.location.href) win.history.replaceState(win.history.state, '', href);
  });
}
