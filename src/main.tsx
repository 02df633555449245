// Start-up: read the page mode and the experiment from the URL, create this page's lab store, connect
// it to the browser history and (when framed) to the host page, then render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createLabStore } from './state/labStore.ts';
import { connectModelUrl } from './state/modelUrl.ts';
import { readPageMode } from './state/pageMode.ts';
import { connectUrlSync, experimentFromLocation, invalidUrlNotice, writeCanonicalUrl } from './state/urlSync.ts';
import { App } from './ui/App.tsx';
import { connectEmbedBridge } from './ui/embed/embedBridge.ts';
import { ExportRegistry } from './ui/export/ExportRegistry.tsx';
import { createAnalyticsClient } from './worker/analyticsClient.ts';
import './ui/styles/lab.css';

const mode = readPageMode(window.location.search);
const { experiment, error } = experimentFromLocation(window.location.search);
const store = createLabStore(experiment);
const exports = new ExportRegistry();
const { notify } = store.getState().actions;
if (error) notify('error', invalidUrlNotice(error));
writeCanonicalUrl(store);
// Framed (embedded or not), history entries would land in the host page's back button: replace only.
connectUrlSync(store, window, { replaceOnly: window.parent !== window });
connectModelUrl(store, window);
// An unusable ?origin= means the host wanted a restriction we cannot honour: listen to nobody.
if (mode.originError) notify('error', `Embedding messages are disabled: ${mode.originError}.`);
else connectEmbedBridge(store, exports, { origin: mode.origin });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App store={store} exports={exports} mode={mode} analytics={createAnalyticsClient()} />
  </StrictMode>,
);
