// The tables under the base-vs-context chart: the smallest base per context (with the larger bases that
// fail again) and each series' own first negative distance against the marked contexts.
import type { Series } from '../../state/labStore.ts';
import type { MinBaseAnswer } from '../../worker/analytics-api.ts';
import { formatNumber, formatTokens } from '../charts/ticks.ts';
import { describeNegative, MIN_BASE_CONTEXT_LIMIT, seriesPlacement } from './baseContextLimits.ts';

const SHOWN_FAILURES = 4;

export function BaseContextTables(props: {
  series: Series[];
  negatives: Array<number | null> | null;
  minBases: Array<MinBaseAnswer & { headDim: number }> | null;
  contexts: number[];
}) {
  const { series, negatives, minBases, contexts } = props;
  const skipped = contexts.filter((c) => c > MIN_BASE_CONTEXT_LIMIT);
  return (
    <div className="view-tables">
      <table className="data-table">
        <caption>Smallest base per context (plain RoPE, grid step ≈ 4.7%)</caption>
        <thead>
          <tr>
            <th scope="col">context</th>
            <th scope="col">d</th>
            <th scope="col">smallest base</th>
            <th scope="col">larger bases that fail again (first negative Δ)</th>
          </tr>
        </thead>
        <tbody>
          {(minBases ?? []).map((m) => (
            <tr key={`${m.headDim}-${m.context}`}>
              <td>{formatTokens(m.context)}</td>
              <td>{m.headDim}</td>
              {'error' in m ? (
                <td colSpan={2}>{m.error}</td>
              ) : (
                <>
                  <td>{formatNumber(m.minBase)}</td>
                  <td>
                    {m.nonMonotone.length === 0
                      ? 'none within a decade above'
                      : m.nonMonotone
                          .slice(0, SHOWN_FAILURES)
                          .map((f) => `${formatNumber(f.base)} (${formatNumber(f.firstNegative)})`)
                          .join(', ') + (m.nonMonotone.length > SHOWN_FAILURES ? `, … ${m.nonMonotone.length} in all` : '')}
                  </td>
                </>
              )}
            </tr>
          ))}
          {minBases === null && (
            <tr>
              <td colSpan={4}>Computing…</td>
            </tr>
          )}
        </tbody>
      </table>
      {skipped.length > 0 && (
        <p className="hint">
          Not computed for contexts above {formatNumber(MIN_BASE_CONTEXT_LIMIT)} ({skipped.map(formatNumber).join(', ')}): the scan is too
          slow for a page.
        </p>
      )}
      <table className="data-table">
        <caption>Your series</caption>
        <thead>
          <tr>
            <th scope="col">series</th>
            <th scope="col">plotted at</th>
            <th scope="col">first negative B(Δ)</th>
            {contexts.map((c) => (
              <th key={c} scope="col">
                covers {formatTokens(c)}?
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {series.map((s, i) => {
            const negative = negatives?.[i];
            return (
              <tr key={s.id}>
                <th scope="row">
                  <span className="swatch" style={{ background: s.color }} aria-hidden="true" />
                  {s.name}
                </th>
                <td>{seriesPlacement(s.config).note}</td>
                <td>{negative === undefined ? '…' : describeNegative(negative)}</td>
                {contexts.map((c) => (
                  <td key={c}>{negative === undefined ? '…' : negative === null || negative > c ? 'yes' : 'no'}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
