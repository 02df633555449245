// The playground: Completion (continue a prompt as written) or Chat (the conversation in the model's chat
// template), the sampling settings either way, Stop, and the speed of the last run.
import { useId } from 'react';
import { useLab } from '../LabStoreContext.tsx';
import type { PlaygroundMode } from '../../state/modelPlayground.ts';
import { selectModel, selectPlayground } from '../../state/modelStore.ts';
import { ChatPlayground } from './ChatPlayground.tsx';
import { CompletionPlayground } from './CompletionPlayground.tsx';
import { GenerationStats } from './GenerationStats.tsx';

const MODES: [PlaygroundMode, string][] = [
  ['completion', 'Completion'],
  ['chat', 'Chat'],
];

export function Playground() {
  const { mode, status, error, actions } = useLab(selectPlayground);
  const { info } = useLab(selectModel);
  const name = useId();
  const hint =
    info === null
      ? null
      : !info.chatTemplate
        ? 'This model has no chat template: it continues text as written.'
        : mode === 'completion'
          ? 'This model has a chat template: Chat formats your messages the way it was trained to read them.'
          : 'Messages are formatted with the model’s chat template; a reply ends at its end-of-turn token.';

  return (
    <section className="panel playground" aria-label="Playground">
      <h2>Playground</h2>
      <div className="playground-mode" role="radiogroup" aria-label="Playground mode">
        {MODES.map(([value, label]) => (
          <label key={value}>
            <input
              type="radio"
              name={name}
              value={value}
              checked={mode === value}
              disabled={status !== 'idle'}
              onChange={() => actions.setMode(value)}
            />
            {label}
          </label>
        ))}
      </div>
      {hint && <p className="playground-hint playground-mode-hint">{hint}</p>}
      {mode === 'chat' ? <ChatPlayground /> : <CompletionPlayground />}
      {error && (
        <p className="playground-error" role="alert">
          {error}
        </p>
      )}
      <GenerationStats />
    </section>
  );
}
