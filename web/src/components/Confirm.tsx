import { useId, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api.ts';
import { fill, useT } from '../i18n.tsx';
import { componentStrings } from './components.strings.ts';

/**
 * A button that asks before it acts: a modal dialog (native <dialog>, so focus is trapped and
 * Escape cancels) states what will happen; the action runs only on Confirm, and its error is
 * shown in the dialog.
 * @example <Confirm label="Revoke" title="Revoke this device?" onConfirm={() => api(...)}>It will refuse every request.</Confirm>
 */
export function Confirm({
  label,
  title,
  children,
  onConfirm,
  danger,
  disabled,
  confirmLabel,
}: {
  label: string;
  title: string;
  children: ReactNode;
  onConfirm: () => Promise<unknown>;
  danger?: boolean;
  disabled?: boolean;
  confirmLabel?: string;
}) {
  const t = useT(componentStrings);
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    ref.current?.close();
    setError(null);
  };
  async function go() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      ref.current?.close();
    } catch (e) {
      setError(fill(t.refused, { message: e instanceof ApiError || e instanceof Error ? e.message : String(e) }));
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <button
        type="button"
        className={danger ? 'danger' : undefined}
        disabled={disabled}
        onClick={() => ref.current?.showModal()}
      >
        {label}
      </button>
      <dialog ref={ref} aria-labelledby={`${id}-t`} aria-describedby={`${id}-d`} onClose={() => setError(null)}>
        <h2 id={`${id}-t`}>{title}</h2>
        <div id={`${id}-d`}>{children}</div>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <div className="actions">
          <button type="button" className="secondary" onClick={close} disabled={busy}>
            {t.cancel}
          </button>
          <button
            type="button"
            className={danger ? 'danger' : undefined}
            onClick={() => void go()}
            disabled={busy}
            data-confirm=""
          >
            {busy ? t.working : (confirmLabel ?? t.confirm)}
          </button>
        </div>
      </dialog>
    </>
  );
}
