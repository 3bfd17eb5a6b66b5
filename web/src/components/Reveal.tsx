import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { RevealRequest, RevealResult } from '../../../src/api/contract/index.ts';
import { api, ApiError } from '../api.ts';
import { fill, useT } from '../i18n.tsx';
import { componentStrings, PURPOSES } from './components.strings.ts';

/** How long a revealed value stays on screen. */
export const REVEAL_SECONDS = 30;

/**
 * The only way a page shows a customer's value in clear: "Reveal <field>" asks the purpose and
 * the explanation (or a break-glass justification), calls POST /v1/reveal (policy decides, the
 * audit log records it before the value is returned), and shows the value for 30 seconds in an
 * element marked `data-reveal`. The value lives in this component's state only (no query
 * cache, no storage) and is dropped when the time is up or the component goes away.
 * @example <Reveal subject={token} field="phone" />
 */
export function Reveal({
  subject,
  field,
  explanation: suggested,
}: {
  subject: string;
  field: string;
  explanation?: string;
}) {
  const t = useT(componentStrings);
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const [value, setValue] = useState<string | null>(null);
  const [left, setLeft] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [purpose, setPurpose] = useState<string>(PURPOSES[0]);
  const [explanation, setExplanation] = useState(suggested ?? '');
  const [glass, setGlass] = useState(false);
  const [justification, setJustification] = useState('');

  // One timer counts down and drops the value; unmounting drops it too.
  useEffect(() => {
    if (value === null) return;
    const started = Date.now();
    setLeft(REVEAL_SECONDS);
    const tick = setInterval(() => {
      const rest = REVEAL_SECONDS - Math.floor((Date.now() - started) / 1000);
      if (rest <= 0) setValue(null);
      else setLeft(rest);
    }, 250);
    return () => clearInterval(tick);
  }, [value]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: RevealRequest = {
        subject,
        field,
        purpose,
        ...(explanation.trim() ? { explanation: explanation.trim() } : {}),
        ...(glass ? { breakGlass: { justification } } : {}),
      };
      const r = await api<RevealResult>('/v1/reveal', { method: 'POST', body });
      dialog.current?.close();
      setValue(r.value);
    } catch (err) {
      const msg =
        err instanceof ApiError
          ? [err.message, ...err.details.map((d) => `${d.path ?? ''} ${d.problem}`.trim())].join(' — ')
          : (err as Error).message;
      setError(fill(t.refused, { message: msg }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="reveal">
      {value !== null ? (
        <>
          <output data-reveal="" aria-live="polite" className="revealed">
            {value}
          </output>{' '}
          <span className="muted">{fill(t.hidesIn, { n: left })}</span>{' '}
          <button type="button" className="secondary" onClick={() => setValue(null)}>
            {t.hide}
          </button>
        </>
      ) : (
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setError(null);
            dialog.current?.showModal();
          }}
        >
          {fill(t.reveal, { field })}
        </button>
      )}
      <dialog ref={dialog} aria-labelledby={`${id}-t`}>
        <form onSubmit={(e) => void submit(e)} className="stack">
          <h2 id={`${id}-t`}>{fill(t.revealTitle, { field, subject })}</h2>
          <label>
            {t.purpose}
            <select value={purpose} onChange={(e) => setPurpose(e.target.value)} name="purpose">
              {PURPOSES.map((p) => (
                <option key={p} value={p}>
                  {t[p]} ({p})
                </option>
              ))}
            </select>
          </label>
          <label>
            {t.explanation}
            <input
              name="explanation"
              value={explanation}
              onChange={(e) => setExplanation(e.target.value)}
              aria-describedby={`${id}-eh`}
              maxLength={80}
            />
          </label>
          <p id={`${id}-eh`} className="muted">
            {t.explanationHelp}
          </p>
          <label className="inline">
            <input type="checkbox" checked={glass} onChange={(e) => setGlass(e.target.checked)} name="breakGlass" />{' '}
            {t.breakGlass}
          </label>
          {glass ? (
            <label>
              {t.justification}
              <textarea
                name="justification"
                value={justification}
                onChange={(e) => setJustification(e.target.value)}
                minLength={20}
                maxLength={2000}
                required
                aria-describedby={`${id}-jh`}
              />
              <span id={`${id}-jh`} className="muted">
                {t.justificationHelp}
              </span>
            </label>
          ) : null}
          {error ? (
            <p role="alert" className="error">
              {error}
            </p>
          ) : null}
          <div className="actions">
            <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
              {t.cancel}
            </button>
            <button type="submit" disabled={busy}>
              {busy ? t.working : t.show}
            </button>
          </div>
        </form>
      </dialog>
    </span>
  );
}
