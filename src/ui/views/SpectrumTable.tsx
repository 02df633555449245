// Under the spectrum: per series, how many pairs turn fully within each marked context, and Liu et al.'s
// critical dimension for the first (trained) context — the pairs beyond it meet unseen angles.
import { criticalDimension, fullTurnPairs } from '../../rope/index.ts';
import type { Series } from '../../state/labStore.ts';
import { cachedTable } from '../analytics/cache.ts';
import { formatNumber, formatTokens } from '../charts/ticks.ts';

export function SpectrumTable({ series, contexts }: { series: Series[]; contexts: number[] }) {
  const trained = contexts[0];
  return (
    <table className="data-table">
      <caption>Pairs that complete a turn{trained === undefined ? '' : `, and the critical dimension for ${formatTokens(trained)}`}</caption>
      <thead>
        <tr>
          <th scope="col">series</th>
          {contexts.map((c) => (
            <th key={c} scope="col">
              full turns within {formatTokens(c)}
            </th>
          ))}
          {trained !== undefined && (
            <>
              <th scope="col" title="Liu et al. 2023: rotated dims whose pairs see a full period within the trained context">
                critical dim d<sub>extra</sub>
              </th>
              <th scope="col" title="Wavelength of the first pair that does not: beyond it that pair meets angles never trained on">
                extrapolation limit T<sub>extra</sub>
              </th>
            </>
          )}
        </tr>
      </thead>
      <tbody>
        {series.map((s) => {
          const table = cachedTable(s.config);
          const critical = trained === undefined ? null : criticalDimension(s.config, trained);
          return (
            <tr key={s.id}>
              <th scope="row">
                <span className="swatch" style={{ background: s.color }} aria-hidden="true" />
                {s.name}
              </th>
              {contexts.map((c) => (
                <td key={c}>
                  {fullTurnPairs(table, c).filter(Boolean).length} / {table.invFreq.length}
                </td>
              ))}
              {critical && (
                <>
                  <td>{critical.criticalDim}</td>
                  <td>{Number.isFinite(critical.extrapolationLimit) ? `${formatNumber(Math.round(critical.extrapolationLimit))} tokens` : 'none (every pair turns)'}</td>
                </>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
