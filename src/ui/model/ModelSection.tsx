// The lab's "Model" section: the model panel beside the playground. Opening it loads the built-in
// default model when no model was asked for yet (the analytics alone load none).
import { useEffect } from 'react';
import { useLab } from '../LabStoreContext.tsx';
import { selectModelActions } from '../../state/modelStore.ts';
import { Playground } from '../playground/Playground.tsx';
import { ModelPanel } from './ModelPanel.tsx';
import './model.css';

export function ModelSection() {
  const { loadDefault } = useLab(selectModelActions);
  useEffect(() => void loadDefault(), [loadDefault]);
  return (
    <div className="model-section">
      <ModelPanel />
      <Playground />
    </div>
  );
}
