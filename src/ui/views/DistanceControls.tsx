// Controls shared by the distance views: x axis scale and the largest distance.
import { useLab } from '../LabStoreContext.tsx';
import { MAX_DISTANCE_CHOICES } from '../../state/experiment.ts';
import { selectActions, selectMaxDistance, selectXScale } from '../../state/labStore.ts';
import { formatTokens } from '../charts/ticks.ts';

export function DistanceControls() {
  const xScale = useLab(selectXScale);
  const maxDistance = useLab(selectMaxDistance);
  const { setXScale, setMaxDistance } = useLab(selectActions);
  const choices: number[] = MAX_DISTANCE_CHOICES.includes(maxDistance as (typeof MAX_DISTANCE_CHOICES)[number])
    ? [...MAX_DISTANCE_CHOICES]
    : [...MAX_DISTANCE_CHOICES, maxDistance].sort((a, b) => a - b);
  return (
    <>
      <fieldset className="segmented">
        <legend>x axis</legend>
        {(['log', 'linear'] as const).map((scale) => (
          <label key={scale}>
            <input type="radio" name="x-scale" value={scale} checked={xScale === scale} onChange={() => setXScale(scale)} />
            {scale}
          </label>
        ))}
      </fieldset>
      <label className="inline-field">
        max distance Δ
        <select value={maxDistance} onChange={(e) => setMaxDistance(Number(e.target.value))}>
          {choices.map((d) => (
            <option key={d} value={d}>
              {formatTokens(d)}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
