// Under the spectrum: per series, how many pairs turn fully within each marked context, and Liu et al.'s
// critical dimension with the extrapolation limit it implies. Pretraining fixes the critical dimension
// (the series' "pretrained with" base and context, else its own base at the first marked context); the
// limit is that pair's period under the series' RoPE.
import { criticalDimension, fullTurnPairs, type RopeConfig } from '../../rope/index.ts';
import type { Series } from '../../state/labStore.ts';
import { cachedTable } from '../analytics/cache.ts';
import { formatNumber, formatTokens } from '../charts/ticks.ts';

/** The plain RoPE a series' model was pretrained with, and at what context (null: nothing marked). */
export function pretrainingOf(series: Series, markedContext: number | undefined): { config: RopeConfig; context: number } | null {
  const context = series.pretrained?.context ?? markedContext;
  if (context === undefined) return null;
  const { headDim, partialRotaryFactor } = series.config;
  const base = series.pretrained?.base ?? series.config.base;
  const plain: RopeConfig = { headDim, base, type: 'default', ...(partialRotaryFactor !== undefined && { partialRotaryFactor }) };
  return { config: plain, context };
}

export function SpectrumTable({ series, contexts }: { series: Series[]; contexts: number[] }) {
  const pretraining = series.map((s) => pretrainingOf(s, contexts[0]));
  const anyCritical = pretraining.some((p) => p !== null);
  return (
    <table className="data-table">
      <caption>Pairs that complete a turn{anyCritical ? ', and the critical dimension fixed by pretraining' : ''}</caption>
      <thead>
        <tr>
          <th scope="col">series</th>
          {contexts.map((c) => (
            <th key={c} scope="col">
              full turns within {formatTokens(c)}
            </th>
          ))}
          {anyCritical && (
            <>
              <th
                scope="col"
                title="The plain RoPE base and context the model was pretrained with (set per series under “pretrained with”)"
              >
                pretrained with
              </th>
              <th
                scope="col"
                title="Liu et al. 2023: rotated dims whose pairs saw a full period in pretraining, 2⌈(d/2)·log_b(T_train/2π)⌉"
              >
                critical dim d<sub>extra</sub>
              </th>
              <th
                scope="col"
                title="2π·β^(d_extra/d): the critical pair's period under this series' RoPE; beyond it the pair meets angles never trained on"
              >
                extrapolation limit T<sub>extra</sub>
              </th>
            </>
          )}
        </tr>
      </thead>
      <tbody>
        {series.map((s, i) => {
          const table = cachedTable(s.config);
          const pre = pretraining[i];
          const critical = pre && criticalDimension(pre.config, pre.context, s.config);
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
              {anyCritical && (
                <>
                  <td>{pre ? `base ${formatNumber(pre.config.base)}, ${formatTokens(pre.context)}` : '—'}</td>
                  <td>{critical ? critical.criticalDim : '—'}</td>
                  <td>
                    {!critical
                      ? '—'
                      : Number.isFinite(critical.extrapolationLimit)
                        ? `${Math.round(critical.extrapolationLimit).toLocaleString('en-US')} tokens`
                        : 'none (every pair turns)'}
                  </td>
                </>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
