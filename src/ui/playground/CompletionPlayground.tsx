// Completion mode: a prompt the model continues as written, Generate / Stop, and the streamed continuation.
import { useId } from 'react';
import { useLab } from '../LabStoreContext.tsx';
import { selectModel, selectPlayground } from '../../state/modelStore.ts';
import { SamplingControls } from './SamplingControls.tsx';

export function CompletionPlayground() {
  const { prompt, runPrompt, output, status, actions } = useLab(selectPlayground);
  const { info, loading } = useLab(selectModel);
  const promptId = useId();
  const canGenerate = info !== null && loading === null && status === 'idle';

  return (
    <>
      <label htmlFor={promptId}>Prompt</label>
      <textarea
        id={promptId}
        rows={4}
        value={prompt}
        aria-describedby={`${promptId}-keys`}
        onChange={(event) => actions.setPrompt(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && canGenerate) {
            event.preventDefault();
            void actions.generate();
          }
        }}
      />
      <span id={`${promptId}-keys`} className="playground-hint">
        Ctrl+Enter generates. An empty prompt starts from the beginning-of-text token.
      </span>
      <SamplingControls />
      <div className="playground-buttons">
        <button type="button" disabled={!canGenerate} onClick={() => void actions.generate()}>
          Generate
        </button>
        <button type="button" disabled={status !== 'running'} onClick={actions.stop}>
          Stop
        </button>
        {!info && <span className="playground-hint">Load a model to generate.</span>}
      </div>
      <div className="playground-transcript">
        <span className="playground-echo">{runPrompt}</span>
        <output aria-label="Generated text" aria-live="polite" aria-busy={status !== 'idle'}>
          {output}
        </output>
      </div>
    </>
  );
}
