// The root of one lab instance: its store, analytics client, export registry and page mode, and either
// the full page or the bare embedded view.
import { LabStoreProvider } from './LabStoreContext.tsx';
import type { LabStore } from '../state/labStore.ts';
import type { PageMode } from '../state/pageMode.ts';
import type { AnalyticsClient } from '../worker/analytics-api.ts';
import { AnalyticsProvider } from './analytics/AnalyticsContext.tsx';
import { ExportRegistryProvider, type ExportRegistry } from './export/ExportRegistry.tsx';
import { PageModeContext } from './PageModeContext.tsx';
import { EmbeddedView } from './shell/EmbeddedView.tsx';
import { LabShell } from './shell/LabShell.tsx';

export interface AppProps {
  store: LabStore;
  exports: ExportRegistry;
  mode: PageMode;
  analytics: AnalyticsClient;
}

export function App({ store, exports, mode, analytics }: AppProps) {
  return (
    <LabStoreProvider store={store}>
      <AnalyticsProvider client={analytics}>
        <ExportRegistryProvider registry={exports}>
          <PageModeContext.Provider value={mode}>{mode.embed ? <EmbeddedView /> : <LabShell />}</PageModeContext.Provider>
        </ExportRegistryProvider>
      </AnalyticsProvider>
    </LabStoreProvider>
  );
}
