// Where a model comes from: a GGUF file from disk (picker; dropping a file anywhere on the panel works
// too, see ModelPanel) or an http(s) URL.
import { useId, type FormEvent } from 'react';
import { useLab } from '../LabStoreContext.tsx';
import { selectModel } from '../../state/modelStore.ts';

export function ModelSourcePicker() {
  const { urlDraft, loading, actions } = useLab(selectModel);
  const fileId = useId();
  const urlId = useId();
  const busy = loading !== null;

  const submitUrl = (event: FormEvent) => {
    event.preventDefault();
    if (urlDraft.trim()) void actions.load({ kind: 'url', url: urlDraft });
  };

  return (
    <div className="model-source">
      <div className="model-source-file">
        <label htmlFor={fileId}>GGUF file</label>
        <input
          id={fileId}
          type="file"
          accept=".gguf"
          disabled={busy}
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = ''; // the same file can be picked again after an error
            if (file) void actions.load({ kind: 'file', file });
          }}
        />
        <span className="model-source-hint">or drop a .gguf file on this panel</span>
      </div>
      <form className="model-source-url" onSubmit={submitUrl}>
        <label htmlFor={urlId}>Model URL</label>
        <input
          id={urlId}
          type="text"
          inputMode="url"
          spellCheck={false}
          placeholder="https://…/model.gguf"
          value={urlDraft}
          onChange={(event) => actions.setUrlDraft(event.target.value)}
        />
        <button type="submit" disabled={busy || !urlDraft.trim()}>
          Load URL
        </button>
      </form>
    </div>
  );
}
