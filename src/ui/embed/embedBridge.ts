// Connects one lab instance to the page that frames it: announces readiness, reports every change, and
// answers get/set/export requests. Only the parent window is heard (and, with `?origin=`, only that
// origin); everything it sends is validated like a URL would be.
import { parseExperiment, serialiseExperiment } from '../../state/parseExperiment.ts';
import type { ExperimentState } from '../../state/experiment.ts';
import type { LabStore } from '../../state/labStore.ts';
import { urlWithExperiment } from '../../state/urlCodec.ts';
import type { ExportRegistry } from '../export/ExportRegistry.tsx';
import { exportView } from '../export/viewExport.ts';
import { runForHost } from './probeRun.ts';
import { MESSAGE, readIncoming, type OutgoingMessage } from '../../embed/protocol.ts';

export interface EmbedBridgeOptions {
  /** Restricts incoming messages to this origin and is the targetOrigin of posts; null = '*'. */
  origin: string | null;
}

/** The full-lab link of a state (without the embed parameters), for "open in the lab". */
export function shareableUrl(href: string, experiment: ExperimentState): string {
  const url = new URL(urlWithExperiment(href, experiment));
  url.searchParams.delete('embed');
  url.searchParams.delete('origin');
  return url.toString();
}

function oneLine(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.replace(/\s+/g, ' ').slice(0, 300);
}

/** Starts the bridge if the page is framed; returns the function that stops it. */
export function connectEmbedBridge(
  store: LabStore,
  registry: ExportRegistry,
  options: EmbedBridgeOptions,
  win: Window = window,
): () => void {
  const parent = win.parent;
  if (!parent || parent === win) return () => {};
  const targetOrigin = options.origin ?? '*';
  const post = (message: OutgoingMessage) => parent.postMessage(message, targetOrigin);
  const describe = (experiment: ExperimentState) => ({
    state: serialiseExperiment(experiment),
    url: shareableUrl(win.location.href, experiment),
  });

  const handle = async (data: unknown) => {
    const message = readIncoming(data);
    if (message === null) return;
    if ('error' in message) return post({ type: MESSAGE.error, message: message.error, request: message.request });
    const { experiment, actions } = store.getState();
    switch (message.type) {
      case MESSAGE.get:
        return post({ type: MESSAGE.state, ...describe(experiment) });
      case MESSAGE.set: {
        const parsed = parseExperiment(message.state);
        if (!parsed.ok) return post({ type: MESSAGE.error, message: `invalid state: ${parsed.error}`, request: MESSAGE.set });
        return actions.replaceExperiment(parsed.experiment, 'push');
      }
      case MESSAGE.export: {
        const exporter = registry.current;
        if (!exporter) return post({ type: MESSAGE.error, message: 'no view is on screen to export', request: MESSAGE.export });
        try {
          const data = await exportView(exporter, message.format);
          return post({ type: MESSAGE.export, format: message.format, data });
        } catch (err) {
          return post({ type: MESSAGE.error, message: `export failed: ${(err as Error).message}`, request: MESSAGE.export });
        }
      }
      case MESSAGE.run: {
        const outcome = await runForHost(store, message.request, message.text, (progress) => post({ type: MESSAGE.progress, ...progress }));
        if (outcome.ok) return post({ type: MESSAGE.result, result: outcome.record.result, runMs: outcome.record.runMs });
        return post({ type: MESSAGE.error, message: outcome.error, request: MESSAGE.run });
      }
    }
  };

  const onMessage = async (event: MessageEvent) => {
    if (event.source !== parent) return;
    if (options.origin !== null && event.origin !== options.origin) return;
    try {
      await handle(event.data);
    } catch (err) {
      // A bug must not leave the host waiting for an answer that never comes: say what failed.
      const type = (event.data as { type?: unknown } | null)?.type;
      if (typeof type !== 'string' || !type.startsWith('rope-lab:')) return;
      post({ type: MESSAGE.error, message: `internal error: ${oneLine(err)}`, request: type.slice(0, 40) });
    }
  };

  const unsubscribe = store.subscribe((state, previous) => {
    if (state.experiment !== previous.experiment) post({ type: MESSAGE.changed, ...describe(state.experiment) });
  });
  win.addEventListener('message', onMessage);

  // Ready once a view can answer exports, so a host may export right after `ready`.
  let announced = false;
  const announce = () => {
    if (announced) return;
    announced = true;
    post({ type: MESSAGE.ready });
  };
  const stopWaiting = registry.onRegister(announce);
  if (registry.current) announce();

  return () => {
    unsubscribe();
    stopWaiting();
    win.removeEventListener('message', onMessage);
  };
}
