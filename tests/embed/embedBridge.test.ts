// The bridge answers every `rope-lab:` message from the parent, hostile ones included (issue 19, items 1
// and 6): prototype-named keys, payloads that would take minutes to walk, values JSON cannot write, and a
// failure inside the lab itself. Each gets a `rope-lab:error` (docs/embed.md), fast, and the state stays.
import { describe, expect, it } from 'vitest';
import { defaultExperiment } from '../../src/state/defaults.ts';
import { createLabStore, type LabStore } from '../../src/state/labStore.ts';
import { serialiseExperiment } from '../../src/state/parseExperiment.ts';
import type { ExportRegistry } from '../../src/ui/export/ExportRegistry.tsx';
import { connectEmbedBridge } from '../../src/ui/embed/embedBridge.ts';
import { aliasedArrayTree } from '../helpers/hostile-values.ts';

type Posted = { type: string; message?: string; request?: string };

/** A framed window: its parent records posts; `send` delivers a message from the parent and waits for it. */
function framed(store: LabStore = createLabStore()) {
  const posted: Posted[] = [];
  const parent = { postMessage: (message: Posted) => posted.push(message) };
  let listener: ((event: MessageEvent) => Promise<void>) | null = null;
  const win = {
    parent,
    location: { href: 'http://lab.test/?embed=1' },
    addEventListener: (_: string, l: (event: MessageEvent) => Promise<void>) => (listener = l),
    removeEventListener: () => {},
  };
  const registry = { current: null, onRegister: () => () => {} } as unknown as ExportRegistry;
  connectEmbedBridge(store, registry, { origin: null }, win as unknown as Window);
  const send = async (data: unknown): Promise<{ replies: Posted[]; ms: number }> => {
    const before = posted.length;
    const start = performance.now();
    await listener!({ source: parent, origin: 'http://host.test', data } as unknown as MessageEvent);
    return { replies: posted.slice(before), ms: performance.now() - start };
  };
  return { store, send };
}

const validState = () =>
  serialiseExperiment(defaultExperiment()) as { series: Array<{ config: Record<string, unknown> }> } & Record<string, unknown>;

describe('embed bridge: hostile messages', () => {
  it.each(['hasOwnProperty', 'valueOf', 'isPrototypeOf', 'toString', '__defineGetter__'])(
    'a set whose rope config holds %s is answered with an error naming it',
    async (key) => {
      const { store, send } = framed();
      const before = store.getState().experiment;
      const state = validState();
      state.series[0].config = { ...state.series[0].config, [key]: 1 };
      const { replies } = await send({ type: 'rope-lab:set', state });
      expect(replies).toEqual([
        { type: 'rope-lab:error', message: `invalid state: series[0].config: unknown rope config field '${key}'`, request: 'rope-lab:set' },
      ]);
      expect(store.getState().experiment).toBe(before);
    },
  );

  it.each(['__proto__', 'hasOwnProperty', 'toString', 'constructor'])(
    'a run whose options hold %s is answered with an error naming it',
    async (key) => {
      const { send } = framed();
      const options = JSON.parse(`{${JSON.stringify(key)}:1,"lengths":[64],"depths":[0.5],"trials":1,"seed":3}`);
      const { replies } = await send({ type: 'rope-lab:run', probe: 'passkey', options });
      expect(replies).toEqual([
        { type: 'rope-lab:error', message: `invalid probe: options.${key} is not an option of this probe`, request: 'rope-lab:run' },
      ]);
    },
  );

  it('a set carrying a 20 MB typed array is refused at once, naming what it is', async () => {
    const { store, send } = framed();
    const before = store.getState().experiment;
    for (const state of [new Uint8Array(20 * 2 ** 20), { ...validState(), contexts: new Float64Array(2.5 * 2 ** 20) }]) {
      const { replies, ms } = await send({ type: 'rope-lab:set', state });
      expect(replies).toHaveLength(1);
      expect(replies[0]).toMatchObject({ type: 'rope-lab:error', request: 'rope-lab:set' });
      expect(replies[0].message).toMatch(
        /^rope-lab:set refused: message\.state(\.contexts)? is a (Uint8|Float64)Array of 20971520 bytes, not JSON data$/,
      );
      expect(ms).toBeLessThan(500);
    }
    expect(store.getState().experiment).toBe(before);
  });

  it('a set of one array referenced 1024 times per level, 5 levels deep, is refused within the visit budget', async () => {
    const { send } = framed();
    const hostile = aliasedArrayTree(1024, 5);
    const wide = aliasedArrayTree(1024, 2); // a million visits two levels under the series' config
    for (const state of [
      hostile,
      { ...validState(), contexts: hostile },
      { ...validState(), series: [{ ...validState().series[0], config: { ...validState().series[0].config, shortFactor: wide } }] },
    ]) {
      const { replies, ms } = await send({ type: 'rope-lab:set', state });
      expect(replies).toHaveLength(1);
      expect(replies[0].message).toMatch(
        /^rope-lab:set refused: message holds more than 50000 values \(every visit counted, shared references included\)$/,
      );
      expect(ms).toBeLessThan(500);
    }
  });

  it('a run of shared references or megabytes of text is refused within the budget', async () => {
    const { send } = framed();
    const hostile = aliasedArrayTree(1024, 5);
    const run = await send({ type: 'rope-lab:run', probe: 'passkey', options: { lengths: [64], depths: hostile, trials: 1, seed: 3 } });
    expect(run.replies[0].message).toMatch(/^rope-lab:run refused: message holds more than 50000 values/);
    expect(run.ms).toBeLessThan(500);
    const names = await send({
      type: 'rope-lab:run',
      probe: 'passkey',
      options: { lengths: [64], depths: [0.5], trials: 1, seed: 3, variants: [{ label: 'x'.repeat(5e6), rope: null }] },
    });
    expect(names.replies[0].message).toBe('rope-lab:run refused: message holds more than 200000 characters of text and keys');
  });

  it('a set with values JSON cannot write (a bigint, a cycle) is answered', async () => {
    const { send } = framed();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const bigint = await send({ type: 'rope-lab:set', state: { ...validState(), maxDistance: 4096n } });
    expect(bigint.replies).toEqual([
      {
        type: 'rope-lab:error',
        message: 'rope-lab:set refused: message.state.maxDistance is a bigint, not JSON data',
        request: 'rope-lab:set',
      },
    ]);
    const cyclic = await send({ type: 'rope-lab:set', state: { ...validState(), view: cycle } });
    expect(cyclic.replies[0].message).toMatch(
      /^rope-lab:set refused: message\.state\.view\.self\.self.* is nested too deeply \(at most 8 levels\)$/,
    );
  });

  it('a failure inside the lab is answered with an internal error, not silence', async () => {
    const store = createLabStore();
    const broken = {
      ...store,
      getState: () => ({
        ...store.getState(),
        actions: {
          ...store.getState().actions,
          replaceExperiment: () => {
            throw new Error('store\nbroke');
          },
        },
      }),
    } as unknown as LabStore;
    const { send } = framed(broken);
    const { replies } = await send({ type: 'rope-lab:set', state: validState() });
    expect(replies).toEqual([{ type: 'rope-lab:error', message: 'internal error: Error: store broke', request: 'rope-lab:set' }]);
  });
});
