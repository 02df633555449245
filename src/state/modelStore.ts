// The model and playground slices of the lab store, created together because they share one engine.
// labStore.ts spreads `createModelSlices(set, get)` into its state; components read them with the
// selectors below through useLab().
import { createModelSlice } from './modelSlice.ts';
import { createPlaygroundSlice, type PlaygroundSlices } from './modelPlayground.ts';
import { browserModelServices, type ModelServices, type SliceSetter } from './modelServices.ts';
import { browserProbeStorage, createProbeSlice, type ProbeSlices } from './probeSlice.ts';
import { isProbeRunner } from '../worker/probe-protocol.ts';

export type ModelLabSlices = PlaygroundSlices & ProbeSlices;

/** What the model panel shows of a loaded model (the UI reads engine types through the store only). */
export type { ModelInfo } from '../engine/types.ts';

/** `services` defaults to the page's (a worker engine, spawned on the first load, and the OPFS cache). */
export function createModelSlices<T extends ModelLabSlices>(
  set: SliceSetter<T>,
  get: () => T,
  services: ModelServices = browserModelServices(),
): ModelLabSlices {
  const probes = {
    runner: isProbeRunner(services.engine) ? services.engine : null,
    storage: browserProbeStorage,
    modelInfo: () => services.engine.info(),
    published: services.published,
  };
  return {
    model: createModelSlice(set, get, services),
    playground: createPlaygroundSlice(set, get, services),
    probes: createProbeSlice(set, get, probes),
  };
}

export const selectModel = (s: ModelLabSlices) => s.model;
export const selectModelInfo = (s: ModelLabSlices) => s.model.info;
export const selectModelLoading = (s: ModelLabSlices) => s.model.loading;
export const selectModelActions = (s: ModelLabSlices) => s.model.actions;
export const selectCachedModels = (s: ModelLabSlices) => s.model.cached;
export const selectPlayground = (s: ModelLabSlices) => s.playground;
export const selectPlaygroundActions = (s: ModelLabSlices) => s.playground.actions;
