// Settings every view shares: the context lengths marked on the charts.
import { useId, useState } from 'react';
import { useLab } from '../LabStoreContext.tsx';
import { LIMITS } from '../../state/experiment.ts';
import { selectActions, selectContexts } from '../../state/labStore.ts';

function parseContexts(text: string): number[] | string {
  const items = text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (items.length > LIMITS.maxContexts) return `at most ${LIMITS.maxContexts} context lengths`;
  const values = items.map(Number);
  const bad = items.find((_, i) => !Number.isInteger(values[i]) || values[i] < 1 || values[i] > LIMITS.maxContext);
  return bad === undefined ? values : `'${bad}' is not a whole number of tokens in 1..${LIMITS.maxContext}`;
}

export function ChartSettings() {
  const contexts = useLab(selectContexts);
  const { setContexts } = useLab(selectActions);
  const id = useId();
  const formatted = contexts.join(', ');
  const [draft, setDraft] = useState(formatted);
  const [error, setError] = useState<string | null>(null);
  const [focused, setFocused] = useState(false);
  // Outside changes (back/forward) replace the text unless the user is typing in it (set while
  // rendering, as React advises for state that follows a prop, so no stale frame is drawn).
  const [synced, setSynced] = useState({ formatted, focused });
  if (synced.formatted !== formatted || synced.focused !== focused) {
    setSynced({ formatted, focused });
    if (!focused) {
      setDraft(formatted);
      setError(null);
    }
  }
  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Context lengths</h2>
      <div className={error ? 'field has-error' : 'field'}>
        <label htmlFor={id}>marked on the charts (tokens, comma-separated)</label>
        <input
          id={id}
          type="text"
          value={draft}
          aria-invalid={error !== null}
          onFocus={() => setFocused(true)}
          onBlur={() => setFocused(false)}
          onChange={(e) => {
            setDraft(e.target.value);
            const parsed = parseContexts(e.target.value);
            if (typeof parsed === 'string') setError(parsed);
            else {
              setError(null);
              setContexts(parsed);
            }
          }}
        />
        {error && <p className="field-error">{error}</p>}
      </div>
    </section>
  );
}
