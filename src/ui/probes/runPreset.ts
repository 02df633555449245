// Runs a preset experiment on the model it is written for: when the loaded model is another (or none),
// the preset's catalogue model is loaded first (download or OPFS cache), then the suite runs.
import { CATALOGUE, catalogueUrl } from '../../models/catalogue.ts';
import { presetModelMismatch, type ProbeSuite } from '../../probes/index.ts';
import type { LabStore } from '../../state/labStore.ts';

/** The catalogue entry of the model `suite` needs, or undefined (the lab's own models, or none listed). */
export function presetCatalogueEntry(suite: ProbeSuite) {
  return suite.model && CATALOGUE.find((m) => m.id === suite.model!.catalogueId);
}

export async function runPresetOnItsModel(store: LabStore, suite: ProbeSuite): Promise<void> {
  const entry = presetCatalogueEntry(suite);
  const info = store.getState().model.info;
  if (suite.model && entry && (!info || presetModelMismatch(suite.model, info) !== null)) {
    await store.getState().model.actions.load({ kind: 'url', url: catalogueUrl(entry) });
    if (!store.getState().model.info) return; // the load failed and said why
  }
  await store.getState().probes.actions.runSuite(suite);
}
