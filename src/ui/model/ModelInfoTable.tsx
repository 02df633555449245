// What the loaded model is: its shape, its RoPE as the file describes it, tensor types, size and device.
import type { ModelInfo } from '../../state/modelStore.ts';
import { useLab } from '../LabStoreContext.tsx';
import { selectModelInfo } from '../../state/modelStore.ts';
import { describeLayerRope, describeRope, formatMegabytes } from './format.ts';

function rows(info: ModelInfo): [string, string][] {
  const types = Object.entries(info.tensorTypes)
    .sort((a, b) => b[1] - a[1])
    .map(([type, count]) => `${type} × ${count}`)
    .join(', ');
  const perLayer = describeLayerRope(info);
  return [
    ['Architecture', info.architecture],
    ['Trained context', info.trainedContext.toLocaleString('en-US')],
    ['Allocated context', `${info.context.toLocaleString('en-US')} (KV cache ${formatMegabytes(info.kvCache.totalBytes)})`],
    ['Embedding dim', String(info.dim)],
    ['Heads / KV heads', `${info.heads} / ${info.kvHeads} (head dim ${info.headDim})`],
    ['Layers', String(info.layers)],
    ['FFN dim', String(info.ffnDim)],
    ['Vocabulary', info.vocabSize.toLocaleString('en-US')],
    ['RoPE', describeRope(info.rope) + (info.hasRopeFreqs ? ', per-pair rope_freqs' : '')],
    ...(perLayer ? [['RoPE per layer', perLayer] as [string, string]] : []),
    ['Tensor types', types],
    ['Chat template', info.chatTemplate ? 'yes: the playground’s Chat mode uses it' : 'none: completion only'],
    ['Size', formatMegabytes(info.totalBytes)],
    ['Device', info.device],
    ['Load time', `${info.loadSeconds.toFixed(2)} s`],
  ];
}

export function ModelInfoTable() {
  const info = useLab(selectModelInfo);
  if (!info) return <p className="model-empty">No model loaded.</p>;
  return (
    <section className="model-info" aria-label="Loaded model">
      <h3>{info.name || 'Unnamed model'}</h3>
      <dl>
        {rows(info).map(([term, value]) => (
          <div key={term} className="model-info-row">
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
