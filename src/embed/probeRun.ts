// A probe run asked for by the embedding host ({type: 'rope-lab:run'}). A notebook often sends it right
// after `ready`, while the `?model=` in the frame's address is still loading: the run waits for that
// load to settle instead of failing with "load a model first".
import type { ProbeProgress, ProbeRequest } from '../probes/index.ts';
import type { LabStore } from '../state/labStore.ts';
import type { ProbeOutcome } from '../state/probeSlice.ts';

function modelSettled(store: LabStore): Promise<void> {
  if (!store.getState().model.loading) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = store.subscribe((state) => {
      if (state.model.loading) return;
      stop();
      resolve();
    });
  });
}

export async function runForHost(store: LabStore, request: ProbeRequest, text: string | undefined, onProgress: (p: ProbeProgress) => void): Promise<ProbeOutcome> {
  await modelSettled(store);
  return store.getState().probes.actions.run(request, { userText: text, onProgress });
}
