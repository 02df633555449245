// One zustand store per lab instance (the page, or each embedded copy): the experiment, how its last
// change should reach the browser history, notices, and the last measured recompute time.
// Components read it through the module-level selectors below and change it only through `actions`.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { ROPE_PRESETS, ropeName, rotatedDim, type RopeConfig } from '../rope/index.ts';
import { loadedModelSeries, type LoadedModelRope } from './loadedModelSeries.ts';
import { createModelSlices, type ModelLabSlices } from './modelStore.ts';
import { copyConfig, defaultExperiment, nextColor, presetById, seriesFromPreset } from './defaults.ts';
import {
  LIMITS,
  type AxisScale,
  type DecayMetric,
  type ExperimentState,
  type GranularitySettings,
  type PretrainedWith,
  type SeriesState,
  type ViewId,
} from './experiment.ts';

export interface Series extends SeriesState {
  /** Stable React key; never serialised. */
  id: string;
}

export interface LabExperiment extends Omit<ExperimentState, 'series'> {
  series: Series[];
}

/**
 * How the latest experiment change reaches the history: a new entry for a discrete change, the current
 * entry rewritten while the same control keeps changing (a slider drag, typing), nothing for changes
 * that came from the history itself.
 */
export type HistoryMode = 'push' | 'replace' | 'none';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface LabActions {
  /** Replaces the whole (already validated) experiment, e.g. from the URL or an embedding host. */
  replaceExperiment(experiment: ExperimentState, history: HistoryMode): void;
  setView(view: ViewId): void;
  setXScale(scale: AxisScale): void;
  setDecayMetric(metric: DecayMetric): void;
  setMaxDistance(distance: number): void;
  setContexts(contexts: number[]): void;
  setFocus(index: number): void;
  setPair(pair: number, transient?: boolean): void;
  setGranularity(settings: GranularitySettings, control: string): void;
  /** `control` names the input that changed, so repeated changes of one control share a history entry. */
  setSeriesConfig(id: string, config: RopeConfig, control: string): void;
  /** Loads a preset into a series; a name that was a preset's label follows the new preset. */
  applyPreset(id: string, presetId: string): void;
  /** The base and context the series' model was pretrained with (undefined: the series' own). */
  setSeriesPretrained(id: string, pretrained: PretrainedWith | undefined): void;
  renameSeries(id: string, name: string): void;
  recolorSeries(id: string, color: string): void;
  addSeries(presetId: string): void;
  /** Adds the loaded model's RoPE as series (one per distinct per-layer RoPE), as many as fit. */
  addModelSeries(model: LoadedModelRope): void;
  duplicateSeries(id: string): void;
  removeSeries(id: string): void;
  notify(kind: Notice['kind'], text: string): void;
  dismissNotice(id: number): void;
  reportRecompute(milliseconds: number, where?: RecomputeReport['where']): void;
}

export interface RecomputeReport {
  milliseconds: number;
  /** Main-thread work must fit a frame; worker scans only delay their own view. */
  where: 'main thread' | 'worker';
}

/** The model and playground slices (modelStore.ts) sit beside the experiment. */
export interface LabState extends ModelLabSlices {
  experiment: LabExperiment;
  historyMode: HistoryMode;
  notices: Notice[];
  /** Time of the latest analytics recompute (performance.now difference), null before the first. */
  lastRecompute: RecomputeReport | null;
  actions: LabActions;
}

export type LabStore = StoreApi<LabState>;

/** Changes of one control closer together than this rewrite one history entry instead of adding one. */
const COALESCE_MS = 1500;
const MAX_NOTICES = 4;

export function createLabStore(initial: ExperimentState = defaultExperiment()): LabStore {
  let nextSeriesId = 0;
  let nextNoticeId = 0;
  let lastControl: { key: string; at: number } | null = null;
  const withId = (s: SeriesState): Series => ({ ...s, id: `series-${nextSeriesId++}` });
  const fromState = (e: ExperimentState): LabExperiment => ({ ...e, series: e.series.map(withId) });

  return createStore<LabState>()((set, get) => {
    /** Applies a UI edit; `control` groups repeated edits of one input into one history entry. */
    const edit = (recipe: (e: LabExperiment) => LabExperiment, control?: string) => {
      const now = performance.now();
      const coalesce = control !== undefined && lastControl?.key === control && now - lastControl.at < COALESCE_MS;
      lastControl = control === undefined ? null : { key: control, at: now };
      set({ experiment: keepSelectionValid(recipe(get().experiment)), historyMode: coalesce ? 'replace' : 'push' });
    };
    const editSeries = (id: string, change: (s: Series) => Series, control?: string) =>
      edit((e) => ({ ...e, series: e.series.map((s) => (s.id === id ? change(s) : s)) }), control);

    const actions: LabActions = {
      replaceExperiment: (experiment, history) => {
        lastControl = null;
        set({ experiment: fromState(experiment), historyMode: history });
      },
      setView: (view) => edit((e) => ({ ...e, view })),
      setXScale: (xScale) => edit((e) => ({ ...e, xScale })),
      setDecayMetric: (decayMetric) => edit((e) => ({ ...e, decayMetric })),
      setMaxDistance: (maxDistance) => edit((e) => ({ ...e, maxDistance })),
      setContexts: (contexts) => edit((e) => ({ ...e, contexts }), 'contexts'),
      setFocus: (focus) => edit((e) => ({ ...e, focus })),
      setPair: (pair, transient) => edit((e) => ({ ...e, pair }), transient ? 'pair' : undefined),
      setGranularity: (granularity, control) => edit((e) => ({ ...e, granularity }), `granularity.${control}`),
      // a name the lab gave (a preset's, or the config's own) follows the parameters; a renamed series keeps its name
      setSeriesConfig: (id, config, control) =>
        editSeries(id, (s) => ({ ...s, config, name: hasLabName(s) ? ropeName(config) : s.name }), `${id}.${control}`),
      applyPreset: (id, presetId) => {
        const preset = presetById(presetId);
        editSeries(id, (s) => ({
          ...s,
          config: copyConfig(preset.config),
          pretrained: preset.pretrained && { ...preset.pretrained },
          name: hasLabName(s) ? preset.label : s.name,
        }));
      },
      setSeriesPretrained: (id, pretrained) => editSeries(id, (s) => ({ ...s, pretrained }), `${id}.pretrained`),
      renameSeries: (id, name) => editSeries(id, (s) => ({ ...s, name }), `${id}.name`),
      recolorSeries: (id, color) => editSeries(id, (s) => ({ ...s, color }), `${id}.color`),
      addSeries: (presetId) =>
        edit((e) =>
          e.series.length >= LIMITS.maxSeries
            ? e
            : { ...e, series: [...e.series, withId(seriesFromPreset(presetId, nextColor(e.series)))] },
        ),
      addModelSeries: (model) => {
        const { series, note } = loadedModelSeries(model);
        const room = LIMITS.maxSeries - get().experiment.series.length;
        if (series.length > 0 && room > 0)
          edit((e) => {
            const added: SeriesState[] = [];
            for (const s of series.slice(0, room)) added.push({ ...s, color: nextColor([...e.series, ...added]) });
            return { ...e, series: [...e.series, ...added.map(withId)] };
          });
        if (note) actions.notify('info', note);
        if (series.length > room)
          actions.notify('error', `Only ${Math.max(0, room)} of the model's ${series.length} series fit (at most ${LIMITS.maxSeries}).`);
      },
      duplicateSeries: (id) =>
        edit((e) => {
          const index = e.series.findIndex((s) => s.id === id);
          if (index < 0 || e.series.length >= LIMITS.maxSeries) return e;
          const source = e.series[index];
          const copy = withId({
            name: `${source.name} (copy)`.slice(0, LIMITS.maxNameLength),
            color: nextColor(e.series),
            config: copyConfig(source.config),
            ...(source.pretrained && { pretrained: { ...source.pretrained } }),
          });
          return { ...e, series: [...e.series.slice(0, index + 1), copy, ...e.series.slice(index + 1)] };
        }),
      removeSeries: (id) =>
        edit((e) => {
          if (e.series.length <= 1) return e;
          const index = e.series.findIndex((s) => s.id === id);
          const focus = index >= 0 && index < e.focus ? e.focus - 1 : e.focus;
          return { ...e, series: e.series.filter((s) => s.id !== id), focus };
        }),
      // the same notice twice (a link read again by a remounted section) is shown once
      notify: (kind, text) =>
        set((state) =>
          state.notices.some((n) => n.kind === kind && n.text === text)
            ? {}
            : { notices: [...state.notices, { id: nextNoticeId++, kind, text }].slice(-MAX_NOTICES) },
        ),
      dismissNotice: (id) => set((state) => ({ notices: state.notices.filter((n) => n.id !== id) })),
      reportRecompute: (milliseconds, where = 'main thread') => set({ lastRecompute: { milliseconds, where } }),
    };
    return {
      experiment: fromState(initial),
      historyMode: 'none',
      notices: [],
      lastRecompute: null,
      actions,
      ...createModelSlices<LabState>(set, get),
    };
  });
}

/** The series still carries a name the lab gave it: a preset's label, its config's own name, or none. */
function hasLabName(s: SeriesState): boolean {
  return s.name.trim() === '' || s.name === ropeName(s.config) || ROPE_PRESETS.some((p) => p.label === s.name);
}

/**
 * After a UI edit the focused series and pair must still exist (a removed series, a smaller head);
 * they move to the nearest valid value. Untrusted input never goes through here: it is validated.
 */
function keepSelectionValid(e: LabExperiment): LabExperiment {
  const focus = Math.min(e.focus, e.series.length - 1);
  const pairs = rotatedDim(e.series[focus].config) / 2;
  const pair = Math.min(e.pair, pairs - 1);
  return focus === e.focus && pair === e.pair ? e : { ...e, focus, pair };
}

// Selectors (module level, so components share them and zustand compares stable functions).
export const selectExperiment = (s: LabState) => s.experiment;
export const selectSeries = (s: LabState) => s.experiment.series;
export const selectView = (s: LabState) => s.experiment.view;
export const selectXScale = (s: LabState) => s.experiment.xScale;
export const selectDecayMetric = (s: LabState) => s.experiment.decayMetric;
export const selectMaxDistance = (s: LabState) => s.experiment.maxDistance;
export const selectContexts = (s: LabState) => s.experiment.contexts;
export const selectFocus = (s: LabState) => s.experiment.focus;
export const selectPair = (s: LabState) => s.experiment.pair;
export const selectGranularity = (s: LabState) => s.experiment.granularity;
export const selectNotices = (s: LabState) => s.notices;
export const selectRecompute = (s: LabState) => s.lastRecompute;
export const selectActions = (s: LabState) => s.actions;
