// A probe run asked for by the embedding host ({type: 'rope-lab:run'}). A notebook often sends it right
// after `ready`, while the `?model=` in the frame's address is still loading: the run waits for that
// load to settle instead of failing with "load a model first". A frame opened without `?model=` loads
// nothing until a run is asked for (a chart needs no model); then it loads the built-in default model.
import type { ProbeProgress, ProbeRequest } from '../../probes/index.ts';
import type { LabStore } from '../../state/labStore.ts';
import type { ProbeOutcome } from '../../state/probeSlice.ts';

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

export async function runForHost(
  store: LabStore,
  request: ProbeRequest,
  text: string | undefined,
  onProgress: (p: ProbeProgress) => void,
): Promise<ProbeOutcome> {
  const { model } = store.getState();
  if (!model.info && !model.loading) await model.actions.load({ kind: 'builtin' });
  await modelSettled(store);
  return store.getState().probes.actions.run(request, { userText: text, onProgress });
}
