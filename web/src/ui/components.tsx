// Small shared pieces of the shop and the back office: fields with their labels and errors, messages
// that screen readers announce, links through the router, loading and error states.
import type { ComponentChildren, InputHTMLAttributes } from 'preact';
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import { errorMessage, t } from '../strings';
import { announce } from '../router';

/** The input attributes the screens use (Preact's own input types are a union that Omit cannot narrow). */
interface InputAttributes {
  id?: string;
  type?: 'text' | 'email' | 'password' | 'number' | 'search' | 'tel';
  autoComplete?: string;
  inputMode?: 'text' | 'numeric' | 'decimal' | 'email' | 'search' | 'tel';
  placeholder?: string;
  required?: boolean;
  readOnly?: boolean;
  disabled?: boolean;
  minLength?: number;
  min?: number;
  max?: number;
}

interface FieldProps extends InputAttributes {
  label: string;
  value: string;
  onValue: (value: string) => void;
  hint?: string;
  error?: string | null;
  /** The label stays for screen readers only (e.g. a price field inside a table row). */
  hideLabel?: boolean;
}

export function Field({ label, value, onValue, hint, error, id, hideLabel, ...rest }: FieldProps) {
  const auto = useId();
  const fieldId = id ?? `f-${auto}`;
  const hintId = hint ? `${fieldId}-hint` : undefined;
  const errorId = error ? `${fieldId}-error` : undefined;
  const attributes: InputHTMLAttributes<HTMLInputElement> = {
    ...(rest as InputHTMLAttributes<HTMLInputElement>),
    id: fieldId,
    value,
    onInput: (e) => onValue(e.currentTarget.value),
    'aria-describedby': [hintId, errorId].filter(Boolean).join(' ') || undefined,
    'aria-invalid': error ? true : undefined,
  };
  return (
    <div class="field">
      <label for={fieldId} class={hideLabel ? 'visually-hidden' : undefined}>
        {label}
      </label>
      <input {...attributes} />
      {hint && (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

interface SelectProps {
  id?: string;
  disabled?: boolean;
  label: string;
  value: string;
  onValue: (value: string) => void;
  options: { value: string; label: string }[];
}

export function Select({ label, value, onValue, options, id, ...rest }: SelectProps) {
  const auto = useId();
  const fieldId = id ?? `s-${auto}`;
  return (
    <div class="field">
      <label for={fieldId}>{label}</label>
      <select id={fieldId} value={value} onChange={(e) => onValue((e.currentTarget as HTMLSelectElement).value)} {...rest}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** An error (role=alert: read at once) or a confirmation (role=status: read when idle). */
export function Message({ kind, children }: { kind: 'error' | 'success' | 'info'; children: ComponentChildren }) {
  if (!children) return null;
  return (
    <div class={`message message-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** A live region that is always in the page, so that a message put in it is announced. */
export function Status({ text, error }: { text: string | null; error?: boolean }) {
  return (
    <div class={text ? `message message-${error ? 'error' : 'success'}` : 'visually-hidden'} role={error ? 'alert' : 'status'}>
      {text}
    </div>
  );
}

export function Loading() {
  return (
    <p class="loading" role="status">
      {t.loading}
    </p>
  );
}

export function Failure({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div class="message message-error" role="alert">
      <p>{errorMessage(error)}</p>
      {onRetry && (
        <button type="button" class="button secondary" onClick={onRetry}>
          {t.retry}
        </button>
      )}
    </div>
  );
}

export interface Async<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  set: (value: T) => void;
}

/** Runs `load` when `deps` change; the answer of an older run never overwrites a newer one. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const run = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => {
    const mine = ++run.current;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    loadRef.current().then(
      (data) => mine === run.current && setState({ data, error: undefined, loading: false }),
      (error) => mine === run.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, []);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(reload, deps);
  const set = useCallback((data: T) => setState({ data, error: undefined, loading: false }), []);
  return { ...state, reload, set };
}

/**
 * A form's submission: `run(work)` disables the button while `work` runs and shows the service's
 * message (in French) if it throws. `setError` shows a check of the form's own.
 */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (work: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

/** Sets the title (and, after a navigation, moves the focus to the h1). */
export function usePageTitle(title: string): void {
  useEffect(() => announce(title), [title]);
}

export function Pager({ page, total, perPage, onPage }: { page: number; total: number; perPage: number; onPage: (p: number) => void }) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label={t.pageOf(page, pages)}>
      <button type="button" class="button secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t.previous}
      </button>
      <span>{t.pageOf(page, pages)}</span>
      <button type="button" class="button secondary" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t.next}
      </button>
    </nav>
  );
}
