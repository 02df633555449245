// The model panel: pick a model (the lab's own family, the Hugging Face catalogue, a file, drop, URL,
// cache), watch it load, read what it is. Errors are announced (role="alert") and leave everything else usable.
import { useState, type DragEvent } from 'react';
import { useLab } from '../LabStoreContext.tsx';
import { selectModel } from '../../state/modelStore.ts';
import { BuiltinModels } from './BuiltinModels.tsx';
import { CachedModels } from './CachedModels.tsx';
import { LoadProgress } from './LoadProgress.tsx';
import { ModelCatalogue } from './ModelCatalogue.tsx';
import { ModelInfoTable } from './ModelInfoTable.tsx';
import { ModelSourcePicker } from './ModelSourcePicker.tsx';

const hasFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');

export function ModelPanel() {
  const { error, notice, loading, actions } = useLab(selectModel);
  const [dragging, setDragging] = useState(false);

  const onDrop = (event: DragEvent) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file && !loading) void actions.load({ kind: 'file', file });
  };

  return (
    <section
      className={dragging ? 'panel model-panel dragging' : 'panel model-panel'}
      aria-label="Model"
      onDragOver={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <h2>Model</h2>
      <BuiltinModels />
      <ModelCatalogue />
      <h3 className="model-own-heading">Or your own GGUF</h3>
      <ModelSourcePicker />
      <LoadProgress />
      {error && (
        <div className="model-error" role="alert">
          <span>{error}</span>
          <button type="button" aria-label="Dismiss error" onClick={actions.dismissError}>
            ×
          </button>
        </div>
      )}
      {notice && <p className="model-notice">{notice}</p>}
      <ModelInfoTable />
      <CachedModels />
    </section>
  );
}
