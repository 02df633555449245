// Inputs that keep the user's text while it is being typed and propose parsed values upward. The
// caller answers with an error (shown under the input, nothing applied) or null (applied).
import { useId, useState } from 'react';
import type { FieldSpec } from './configFields.ts';

/** What an input needs to know about its field. */
export type InputSpec = Pick<FieldSpec, 'label' | 'help' | 'required' | 'integer'>;

type Propose<T> = (value: T) => string | null;

function useDraft(formatted: string) {
  const [draft, setDraft] = useState(formatted);
  const [focused, setFocused] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Outside changes (back/forward, a preset) replace the text unless the user is typing in it (set while
  // rendering, as React advises for state that follows a prop, so no stale frame is drawn).
  const [synced, setSynced] = useState({ formatted, focused });
  if (synced.formatted !== formatted || synced.focused !== focused) {
    setSynced({ formatted, focused });
    if (!focused) {
      setDraft(formatted);
      setError(null);
    }
  }
  return { draft, setDraft, error, setError, setFocused };
}

function FieldShell(props: { id: string; spec: InputSpec; error: string | null; children: React.ReactNode }) {
  const { id, spec, error, children } = props;
  return (
    <div className={error ? 'field has-error' : 'field'}>
      <label htmlFor={id} title={spec.help}>
        {spec.label}
        {spec.required ? '' : <span className="optional"> (opt.)</span>}
      </label>
      {children}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export function parseNumberText(text: string, spec: InputSpec): { value: number | undefined } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return spec.required ? { error: `${spec.label} is required` } : { value: undefined };
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { error: `${spec.label} must be a number` };
  if (spec.integer && !Number.isInteger(value)) return { error: `${spec.label} must be a whole number` };
  return { value };
}

export function NumberField({
  spec,
  value,
  onPropose,
}: {
  spec: InputSpec;
  value: number | undefined;
  onPropose: Propose<number | undefined>;
}) {
  const id = useId();
  const { draft, setDraft, error, setError, setFocused } = useDraft(value === undefined ? '' : String(value));
  return (
    <FieldShell id={id} spec={spec} error={error}>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        value={draft}
        aria-invalid={error !== null}
        aria-describedby={error ? `${id}-error` : undefined}
        placeholder={spec.required ? '' : 'default'}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        onChange={(e) => {
          setDraft(e.target.value);
          const parsed = parseNumberText(e.target.value, spec);
          setError('error' in parsed ? parsed.error : onPropose(parsed.value));
        }}
      />
    </FieldShell>
  );
}

export function ListField({
  spec,
  value,
  onPropose,
}: {
  spec: InputSpec;
  value: number[] | undefined;
  onPropose: Propose<number[] | undefined>;
}) {
  const id = useId();
  const { draft, setDraft, error, setError, setFocused } = useDraft(value === undefined ? '' : value.join(', '));
  return (
    <FieldShell id={id} spec={spec} error={error}>
      <textarea
        id={id}
        rows={2}
        value={draft}
        aria-invalid={error !== null}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        onChange={(e) => {
          setDraft(e.target.value);
          const items = e.target.value
            .split(',')
            .map((t) => t.trim())
            .filter((t) => t !== '');
          const numbers = items.map(Number);
          if (items.length === 0) setError(spec.required ? `${spec.label} is required` : onPropose(undefined));
          else if (numbers.some((n) => !Number.isFinite(n))) setError(`${spec.label} must be numbers separated by commas`);
          else setError(onPropose(numbers));
        }}
      />
    </FieldShell>
  );
}

export function BooleanField({
  spec,
  value,
  onPropose,
}: {
  spec: InputSpec;
  value: boolean | undefined;
  onPropose: Propose<boolean | undefined>;
}) {
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  return (
    <FieldShell id={id} spec={spec} error={error}>
      <select
        id={id}
        value={value === undefined ? '' : String(value)}
        onChange={(e) => setError(onPropose(e.target.value === '' ? undefined : e.target.value === 'true'))}
      >
        <option value="">default</option>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    </FieldShell>
  );
}
