// The root of one lab instance: its store, export registry and page mode, and either the full page or
// the bare embedded view.
import { LabStoreProvider } from '../state/LabStoreContext.tsx';
import type { LabStore } from '../state/labStore.ts';
import type { PageMode } from '../state/pageMode.ts';
import { ExportRegistryProvider, type ExportRegistry } from './export/ExportRegistry.tsx';
import { PageModeContext } from './PageModeContext.tsx';
import { EmbeddedView } from './shell/EmbeddedView.tsx';
import { LabShell } from './shell/LabShell.tsx';

export function App({ store, exports, mode }: { store: LabStore; exports: ExportRegistry; mode: PageMode }) {
  return (
    <LabStoreProvider store={store}>
      <ExportRegistryProvider registry={exports}>
        <PageModeContext.Provider value={mode}>{mode.embed ? <EmbeddedView /> : <LabShell />}</PageModeContext.Provider>
      </ExportRegistryProvider>
    </LabStoreProvider>
  );
}
