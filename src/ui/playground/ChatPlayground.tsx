// Chat mode: a system prompt, the conversation, and a message box. The store renders the conversation with
// the model's own chat template and streams the reply until the template's end-of-turn token.
import { useId } from 'react';
import { useLab } from '../LabStoreContext.tsx';
import { NO_CHAT_TEMPLATE } from '../../state/modelPlayground.ts';
import { selectModel, selectPlayground } from '../../state/modelStore.ts';
import { SamplingControls } from './SamplingControls.tsx';

export function ChatPlayground() {
  const { systemPrompt, chat, chatInput, output, status, actions } = useLab(selectPlayground);
  const { info, loading } = useLab(selectModel);
  const systemId = useId();
  const messageId = useId();
  const hasTemplate = info?.chatTemplate != null;
  const canSend = hasTemplate && loading === null && status === 'idle' && chatInput.trim() !== '';

  return (
    <>
      {info && !hasTemplate && <p className="playground-notice">{NO_CHAT_TEMPLATE}</p>}
      <label htmlFor={systemId}>System prompt</label>
      <textarea
        id={systemId}
        rows={2}
        value={systemPrompt}
        placeholder="Empty: the chat template’s own default"
        onChange={(event) => actions.setSystemPrompt(event.target.value)}
      />
      <ol className="chat-transcript" aria-label="Conversation">
        {chat.map((turn, i) => (
          <li key={i} className={`chat-turn chat-${turn.role}`}>
            <span className="chat-role">{turn.role === 'user' ? 'You' : 'Assistant'}</span>
            <span className="chat-text">{turn.content}</span>
          </li>
        ))}
        {status !== 'idle' && (
          <li className="chat-turn chat-assistant">
            <span className="chat-role">Assistant</span>
            <output className="chat-text" aria-label="Assistant reply" aria-live="polite" aria-busy="true">
              {output}
            </output>
          </li>
        )}
      </ol>
      {chat.length === 0 && status === 'idle' && <p className="model-empty">No messages yet.</p>}
      <label htmlFor={messageId}>Message</label>
      <textarea
        id={messageId}
        rows={3}
        value={chatInput}
        aria-describedby={`${messageId}-keys`}
        onChange={(event) => actions.setChatInput(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && canSend) {
            event.preventDefault();
            void actions.send();
          }
        }}
      />
      <span id={`${messageId}-keys`} className="playground-hint">
        Enter sends, Shift+Enter starts a new line.
      </span>
      <SamplingControls />
      <div className="playground-buttons">
        <button type="button" disabled={!canSend} onClick={() => void actions.send()}>
          Send
        </button>
        <button type="button" disabled={status !== 'running'} onClick={actions.stop}>
          Stop
        </button>
        <button type="button" disabled={status !== 'idle' || chat.length === 0} onClick={actions.clearChat}>
          New conversation
        </button>
        {!info && <span className="playground-hint">Load a model to chat.</span>}
      </div>
    </>
  );
}
