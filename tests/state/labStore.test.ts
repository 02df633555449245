import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLabStore } from '../../src/state/labStore.ts';

afterEach(() => vi.restoreAllMocks());

/** Controls performance.now so the coalescing window is deterministic. */
function clock(start = 1000) {
  let now = start;
  vi.spyOn(performance, 'now').mockImplementation(() => now);
  return (ms: number) => (now += ms);
}

describe('lab store', () => {
  it('starts each instance independently', () => {
    const a = createLabStore();
    const b = createLabStore();
    a.getState().actions.setView('decay');
    expect(a.getState().experiment.view).toBe('decay');
    expect(b.getState().experiment.view).toBe('spectrum');
    expect(a.getState().historyMode).toBe('push');
    expect(b.getState().historyMode).toBe('none');
  });

  it('a name the lab gave follows the parameters until the user renames the series', () => {
    const store = createLabStore();
    const { actions } = store.getState();
    const id = store.getState().experiment.series[0].id; // "Llama 2 (base 10K)", a preset's label
    const series = () => store.getState().experiment.series[0];
    actions.setSeriesConfig(id, { ...series().config, base: 20_000 }, 'base');
    expect(series().name).toBe('base 20K');
    actions.setSeriesConfig(id, { ...series().config, type: 'linear', factor: 8 }, 'type');
    expect(series().name).toBe('PI ×8, base 20K');
    actions.renameSeries(id, 'my PI');
    actions.setSeriesConfig(id, { ...series().config, factor: 4 }, 'factor');
    expect(series().name).toBe('my PI');
    actions.applyPreset(id, 'yarn-x8');
    expect(series().name).toBe('my PI');
    actions.renameSeries(id, '');
    actions.applyPreset(id, 'yarn-x8');
    expect(series().name).toBe('YaRN ×8');
  });

  it('pushes a history entry per discrete change and coalesces repeated edits of one control', () => {
    const advance = clock();
    const store = createLabStore();
    const { actions } = store.getState();
    const [first, second] = store.getState().experiment.series;
    actions.setSeriesConfig(first.id, { ...first.config, base: 20_000 }, 'base');
    expect(store.getState().historyMode).toBe('push');
    advance(100);
    actions.setSeriesConfig(first.id, { ...first.config, base: 30_000 }, 'base');
    expect(store.getState().historyMode).toBe('replace');
    advance(100);
    actions.setSeriesConfig(second.id, { ...second.config, base: 30_000 }, 'base'); // another series' control
    expect(store.getState().historyMode).toBe('push');
    advance(2000); // a pause ends the gesture
    actions.setSeriesConfig(second.id, { ...second.config, base: 40_000 }, 'base');
    expect(store.getState().historyMode).toBe('push');
    advance(10);
    actions.setXScale('linear'); // discrete controls never coalesce
    actions.setXScale('log');
    expect(store.getState().historyMode).toBe('push');
  });

  it('adds, duplicates and removes series within 1..8, keeping the focus on the same series', () => {
    const store = createLabStore();
    const { actions } = store.getState();
    actions.setFocus(2);
    const ids = () => store.getState().experiment.series.map((s) => s.id);
    actions.removeSeries(ids()[0]);
    expect(store.getState().experiment.focus).toBe(1);
    expect(store.getState().experiment.series[1].name).toBe('Position interpolation ×8');
    actions.duplicateSeries(ids()[1]);
    const copy = store.getState().experiment.series[2];
    expect(copy.name).toBe('Position interpolation ×8 (copy)');
    expect(copy.config).toEqual(store.getState().experiment.series[1].config);
    expect(copy.config).not.toBe(store.getState().experiment.series[1].config);
    expect(new Set(store.getState().experiment.series.map((s) => s.color)).size).toBe(3);
    for (let i = 0; i < 10; i++) actions.addSeries('llama2');
    expect(store.getState().experiment.series).toHaveLength(8);
    for (const id of ids()) actions.removeSeries(id);
    expect(store.getState().experiment.series).toHaveLength(1);
  });

  it('moves the pair into range when the focused head shrinks', () => {
    const store = createLabStore();
    const { actions } = store.getState();
    actions.setPair(60);
    const first = store.getState().experiment.series[0];
    actions.setSeriesConfig(first.id, { ...first.config, headDim: 64 }, 'headDim');
    expect(store.getState().experiment.pair).toBe(31);
  });

  it('renames a series with a preset only while its name is a preset label', () => {
    const store = createLabStore();
    const { actions } = store.getState();
    const [first, second] = store.getState().experiment.series;
    actions.applyPreset(first.id, 'yarn-x8');
    expect(store.getState().experiment.series[0]).toMatchObject({ name: 'YaRN ×8', config: { type: 'yarn', factor: 8 } });
    actions.renameSeries(second.id, 'my run');
    actions.applyPreset(second.id, 'codellama-1m');
    expect(store.getState().experiment.series[1]).toMatchObject({ name: 'my run', config: { base: 1_000_000 } });
  });

  it('shows a notice once while it is on screen', () => {
    const store = createLabStore();
    store.getState().actions.notify('error', 'bad link');
    store.getState().actions.notify('error', 'bad link');
    expect(store.getState().notices.map((n) => n.text)).toEqual(['bad link']);
    store.getState().actions.dismissNotice(store.getState().notices[0].id);
    store.getState().actions.notify('error', 'bad link');
    expect(store.getState().notices).toHaveLength(1);
  });

  it('keeps at most four notices', () => {
    const store = createLabStore();
    for (let i = 0; i < 6; i++) store.getState().actions.notify('error', `problem ${i}`);
    expect(store.getState().notices.map((n) => n.text)).toEqual(['problem 2', 'problem 3', 'problem 4', 'problem 5']);
    store.getState().actions.dismissNotice(store.getState().notices[0].id);
    expect(store.getState().notices).toHaveLength(3);
  });
});
