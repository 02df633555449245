// Progress of a load in progress: the stage, bytes so far, the tensor being uploaded, and a Cancel button.
import { useLab } from '../LabStoreContext.tsx';
import { selectModelActions, selectModelLoading } from '../../state/modelStore.ts';
import { formatMegabytes, stageLabel } from './format.ts';

export function LoadProgress() {
  const loading = useLab(selectModelLoading);
  const { cancelLoad } = useLab(selectModelActions);
  if (!loading) return null;
  const { loadedBytes, totalBytes, stage, tensor, label } = loading;
  const percent = totalBytes > 0 ? Math.min(100, (100 * loadedBytes) / totalBytes) : null;
  return (
    <div className="model-progress" role="status" aria-label="Model loading progress">
      <div className="model-progress-title">
        Loading <span className="model-progress-label">{label}</span>
      </div>
      <progress max={100} value={percent ?? undefined} aria-label={stageLabel(stage)} />
      <div className="model-progress-detail">
        {stageLabel(stage)}
        {totalBytes > 0 && ` · ${formatMegabytes(loadedBytes)} of ${formatMegabytes(totalBytes)} (${percent!.toFixed(0)}%)`}
        {tensor && stage === 'weights' && (
          <>
            {' '}
            · <code>{tensor}</code>
          </>
        )}
      </div>
      <button type="button" onClick={cancelLoad}>
        Cancel
      </button>
    </div>
  );
}
