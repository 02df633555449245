import { describe, expect, it } from 'vitest';
import { defaultExperiment } from '../../src/state/defaults.ts';
import { createLabStore } from '../../src/state/labStore.ts';
import { serialiseExperiment } from '../../src/state/parseExperiment.ts';
import { connectUrlSync, experimentFromLocation, writeCanonicalUrl } from '../../src/state/urlSync.ts';

/** Just enough of window for the sync: a location, a history stack and popstate listeners. */
function fakeWindow(href: string) {
  const entries = [href];
  let index = 0;
  const listeners: Array<() => void> = [];
  const win = {
    location: {
      get href() {
        return entries[index];
      },
      get search() {
        return new URL(entries[index]).search;
      },
    },
    history: {
      pushState: (_: unknown, __: string, url: string) => {
        entries.splice(index + 1, entries.length, url);
        index++;
      },
      replaceState: (_: unknown, __: string, url: string) => {
        entries[index] = url;
      },
    },
    addEventListener: (_: string, listener: () => void) => listeners.push(listener),
    removeEventListener: () => {},
  };
  const go = (delta: number) => {
    index += delta;
    listeners.forEach((l) => l());
  };
  return { win: win as unknown as Window, entries, go, position: () => index };
}

const stateOf = (url: string) => JSON.parse(Buffer.from(new URL(url).searchParams.get('s')!, 'base64url').toString());

describe('URL sync', () => {
  it('pushes discrete changes, replaces coalesced ones, and restores on back/forward', () => {
    const { win, entries, go } = fakeWindow('https://lab.example/?embed=0');
    const store = createLabStore();
    connectUrlSync(store, win);
    const { actions } = store.getState();
    actions.setView('decay');
    const first = store.getState().experiment.series[0];
    actions.setSeriesConfig(first.id, { ...first.config, base: 20_000 }, 'base');
    actions.setSeriesConfig(first.id, { ...first.config, base: 30_000 }, 'base');
    expect(entries).toHaveLength(3);
    expect(stateOf(entries[2]).series[0].config.base).toBe(30_000);
    expect(new URL(entries[2]).searchParams.get('embed')).toBe('0');

    go(-1);
    expect(store.getState().experiment.view).toBe('decay');
    expect(store.getState().experiment.series[0].config.base).toBe(10_000);
    expect(entries).toHaveLength(3); // restoring does not write history
    go(-1);
    expect(store.getState().experiment.view).toBe('spectrum');
    go(2);
    expect(serialiseExperiment(store.getState().experiment)).toEqual(stateOf(entries[2]));
  });

  it('only replaces inside an iframe', () => {
    const { win, entries } = fakeWindow('https://lab.example/?embed=1');
    const store = createLabStore();
    connectUrlSync(store, win, { replaceOnly: true });
    store.getState().actions.setView('rotation');
    store.getState().actions.setView('base');
    expect(entries).toHaveLength(1);
    expect(stateOf(entries[0]).view).toBe('base');
  });

  it('keeps the experiment and raises a notice when a history entry is unusable', () => {
    const { win, entries, go } = fakeWindow('https://lab.example/?s=%%%');
    const store = createLabStore();
    connectUrlSync(store, win);
    store.getState().actions.setView('decay');
    go(-1);
    expect(entries[0]).toContain('s=%%%');
    expect(store.getState().experiment.view).toBe('decay');
    expect(store.getState().notices[0].text).toMatch(/ignored: the s parameter is not valid base64url/);
  });

  it('writes the full link of a default or repaired start-up state into the current entry', () => {
    const { win, entries } = fakeWindow('https://lab.example/?view=base&embed=1');
    const { experiment, error } = experimentFromLocation(new URL(entries[0]).search);
    expect(error).toBeUndefined();
    const store = createLabStore(experiment);
    writeCanonicalUrl(store, win);
    expect(entries).toHaveLength(1);
    expect(new URL(entries[0]).searchParams.get('embed')).toBe('1');
    expect(stateOf(entries[0])).toEqual(serialiseExperiment(store.getState().experiment));
    expect(stateOf(entries[0]).view).toBe('base');
  });

  it('a link the decoder fails on opens the default experiment with a notice, never an empty page', () => {
    const broken = () => {
      throw new TypeError('check is not\na function');
    };
    const { experiment, error } = experimentFromLocation('?s=abc', broken);
    expect(experiment.series.map((s) => s.name)).toEqual(defaultExperiment().series.map((s) => s.name));
    expect(error).toBe('it could not be read (check is not a function)');
  });
});
