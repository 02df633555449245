// The lab's "Model" section: the model panel beside the playground.
import { Playground } from '../playground/Playground.tsx';
import { ModelPanel } from './ModelPanel.tsx';
import './model.css';

export function ModelSection() {
  return (
    <div className="model-section">
      <ModelPanel />
      <Playground />
    </div>
  );
}
