import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { KeyPanel, TrustedKeyProvider, Verify } from '../components/Proof.tsx';
import { fill, useFormat, useLang, useT } from '../i18n.tsx';
import { LangSwitch } from '../Layout.tsx';
import { shell } from '../strings.ts';
import { codeWords, customerStrings } from './customer.strings.ts';
import type {
  AccessReport,
  AccessReportEntry,
  AffectedAnswer,
  AffectedChallenge,
} from '../../../src/api/contract/index.ts';

type Link = { token: string; subject: string };

const KEY = 'cloak.customer';

/**
 * The customer's link: `#/customer?token=cct…&subject=sub_…` (in the fragment, so it never
 * reaches a server log). Kept for this tab only, and taken out of the address bar.
 */
function readLink(): Link | undefined {
  const q = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const token = q.get('token');
  const subject = q.get('subject');
  if (token && subject) {
    sessionStorage.setItem(KEY, JSON.stringify({ token, subject }));
    history.replaceState(null, '', `${location.pathname}#/customer`);
    return { token, subject };
  }
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Link | null;
    return saved && typeof saved.token === 'string' && typeof saved.subject === 'string' ? saved : undefined;
  } catch {
    return undefined;
  }
}

function useWord() {
  const { lang } = useLang();
  return (code: string) => codeWords[lang][code] ?? code;
}

function AccessRows({ rows, report }: { rows: AccessReportEntry[]; report: AccessReport }) {
  const t = useT(customerStrings);
  const f = useFormat();
  const word = useWord();
  return (
    <table className="customer-accesses">
      <thead>
        <tr>
          <th scope="col">{t.when}</th>
          <th scope="col">{t.who}</th>
          <th scope="col">{t.field}</th>
          <th scope="col">{t.purpose}</th>
          <th scope="col">{t.result}</th>
          <th scope="col">{t.proof}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((a) => (
          <Row
            key={a.index}
            a={a}
            report={report}
            cells={[
              f.time(a.at),
              word(a.role),
              word(a.field),
              word(a.purpose) === a.purpose ? a.purpose : `${word(a.purpose)} (${a.purpose})`,
              a.result in t ? t[a.result as 'ok'] : a.result,
            ]}
          />
        ))}
      </tbody>
    </table>
  );
}

function Row({ a, report, cells }: { a: AccessReportEntry; report: AccessReport; cells: string[] }) {
  // The proof and checkpoint came with the report; the browser checks them itself.
  const load = useMemo(
    () => () => Promise.resolve({ size: report.checkpoint.size, proof: a.proof, note: report.checkpoint.note }),
    [a, report],
  );
  return (
    <tr data-index={a.index} data-result={a.result}>
      {cells.map((c, i) =>
        i === 0 ? (
          <th key={i} scope="row">
            {c}
          </th>
        ) : (
          <td key={i}>{c}</td>
        ),
      )}
      <td>
        <Verify entry={a.entry} leaf={a.leaf} index={a.index} load={load} auto />
      </td>
    </tr>
  );
}

function ReportView({ link }: { link: Link }) {
  const t = useT(customerStrings);
  const s = useT(shell);
  const q = useQuery({
    queryKey: ['customer-report', link.subject, link.token],
    queryFn: () =>
      api<AccessReport>(`/v1/subjects/${encodeURIComponent(link.subject)}/access-report`, { token: link.token }),
    retry: false,
  });
  const refused = q.isError && q.error instanceof ApiError && (q.error.status === 401 || q.error.status === 404);
  useEffect(() => {
    // A link that does not open the report is not kept for the next visit.
    if (refused) sessionStorage.removeItem(KEY);
  }, [refused]);
  if (q.isError) {
    const e = q.error;
    const expired = e instanceof ApiError && e.status === 401 && /expired/.test(e.message);
    const invalid = e instanceof ApiError && (e.status === 401 || e.status === 404);
    return (
      <p role="alert" className="error" data-error={expired ? 'expired' : invalid ? 'invalid' : 'other'}>
        {expired ? t.expired : invalid ? t.invalid : fill(s.error, { message: e.message })}
      </p>
    );
  }
  const r = q.data;
  if (!r) return <p role="status">{s.loading}</p>;
  return (
    <TrustedKeyProvider serverKey={r.verifierKey}>
      <div className="grid" data-ready="customer" data-accesses={r.accesses.length} data-refused={r.refused.length}>
        <section className="card wide" aria-labelledby="h-accesses">
          <h2 id="h-accesses">{t.accesses}</h2>
          <p className="muted">{t.accessesIntro}</p>
          {r.accesses.length === 0 ? <p>{t.noAccess}</p> : <AccessRows rows={r.accesses} report={r} />}
          <p className="muted">{fill(t.checkpoint, { size: r.checkpoint.size })}</p>
        </section>
        <section className="card wide" aria-labelledby="h-refused">
          <h2 id="h-refused">{t.refused}</h2>
          <p className="muted">{t.refusedIntro}</p>
          {r.refused.length === 0 ? <p>{t.noRefused}</p> : <AccessRows rows={r.refused} report={r} />}
        </section>
        <KeyPanel />
      </div>
    </TrustedKeyProvider>
  );
}

type Step = { at: 'ask' } | { at: 'code'; challenge: string } | { at: 'answer'; answer: AffectedAnswer };

/** "Was I affected?": identifier → one-time code → answer. The identifier is sent in a body once and not kept. */
function AffectedCheck() {
  const t = useT(customerStrings);
  const f = useFormat();
  const word = useWord();
  const [step, setStep] = useState<Step>({ at: 'ask' });
  const [identifier, setIdentifier] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const failure = (e: unknown, onBadInput: string) =>
    e instanceof ApiError
      ? e.status === 429
        ? t.tooMany
        : e.status === 400
          ? onBadInput
          : fill(t.failed, { message: e.message })
      : fill(t.failed, { message: (e as Error).message });
  async function start(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const r = await api<Pick<AffectedChallenge, 'challenge'>>('/v1/affected/start', {
        body: { identifier },
        token: null,
      });
      setIdentifier('');
      setStep({ at: 'code', challenge: r.challenge });
    } catch (err) {
      setError(failure(err, t.badIdentifier));
    } finally {
      setBusy(false);
    }
  }
  async function verify(e: FormEvent) {
    e.preventDefault();
    if (step.at !== 'code') return;
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<AffectedAnswer>('/v1/affected/verify', {
        body: { challenge: step.challenge, code: code.trim() },
        token: null,
      });
      setCode('');
      setStep({ at: 'answer', answer });
    } catch (err) {
      setError(failure(err, t.wrongCode));
    } finally {
      setBusy(false);
    }
  }
  const again = () => {
    setStep({ at: 'ask' });
    setCode('');
    setError(undefined);
  };
  return (
    <section className="card wide affected" aria-labelledby="h-affected" data-step={step.at}>
      <h2 id="h-affected">{t.affectedTitle}</h2>
      <p>{t.affectedIntro}</p>
      {step.at === 'ask' ? (
        <form className="toolbar" onSubmit={start}>
          <label>
            {t.identifier}
            <input
              id="affected-identifier"
              value={identifier}
              onChange={(e) => setIdentifier(e.target.value)}
              autoComplete="off"
              required
              maxLength={254}
            />
          </label>
          <button type="submit" disabled={busy}>
            {t.sendCode}
          </button>
        </form>
      ) : null}
      {step.at === 'code' ? (
        <form className="toolbar" onSubmit={verify}>
          <p role="status">{t.sent}</p>
          <label>
            {t.code}
            <input
              id="affected-code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              inputMode="numeric"
              pattern="[0-9]{6}"
              autoComplete="one-time-code"
              required
              maxLength={6}
            />
          </label>
          <button type="submit" disabled={busy}>
            {t.check}
          </button>
          <button type="button" className="secondary" onClick={again}>
            {t.startAgain}
          </button>
        </form>
      ) : null}
      {step.at === 'answer' ? (
        <div role="status" data-affected={String(step.answer.affected)}>
          {step.answer.affected ? (
            <>
              <p className="late">{fill(t.affected, { n: step.answer.incidents.length })}</p>
              <ul>
                {step.answer.incidents.map((i, k) => (
                  <li key={k}>
                    {fill(t.discovered, { date: f.time(i.discoveredAt) })}. {t.dataConcerned}:{' '}
                    {i.categories.map(word).join(', ')}.
                    <p>
                      {i.categories.includes('tracking') || i.categories.includes('phone')
                        ? t.adviceScam
                        : t.adviceGeneral}
                    </p>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p className="ok">{t.notAffected}</p>
          )}
          <button type="button" className="secondary" onClick={again}>
            {t.startAgain}
          </button>
        </div>
      ) : null}
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
    </section>
  );
}

/** The customer's own page, without staff sign-in. */
export default function CustomerPage() {
  const t = useT(customerStrings);
  const s = useT(shell);
  const [link] = useState(readLink);
  return (
    <>
      <header className="top">
        <strong className="brand">{s.product}</strong>
        <div className="who">
          <LangSwitch />
        </div>
      </header>
      <main id="main" tabIndex={-1} className="customer">
        <h1>{t.title}</h1>
        <p>{t.intro}</p>
        {link ? <ReportView link={link} /> : <p className="muted">{t.noLink}</p>}
        <AffectedCheck />
      </main>
    </>
  );
}
