import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'wouter';
import { api, ApiError } from '../api.ts';
import { Confirm } from '../components/Confirm.tsx';
import { fill, useFormat, useT } from '../i18n.tsx';
import { shell } from '../strings.ts';
import { caseStrings } from './cases.strings.ts';
import { EvidenceList } from './Evidence.tsx';
import { entityPath } from './triage.fns.ts';
import { QueryError } from '../components/QueryError.tsx';
import type { Case, CaseEscalation, CaseList } from '../../../src/api/contract/index.ts';

const CLASSES = ['true_positive', 'benign', 'false_positive'] as const;
const message = (e: unknown) =>
  e instanceof ApiError
    ? [e.message, ...e.details.map((d) => `${d.path ?? ''} ${d.problem}`.trim())].join(' — ')
    : (e as Error).message;

function ActorLink({ actor }: { actor: string }) {
  const p = entityPath(actor);
  return p ? (
    <Link href={p} className="mono">
      {actor}
    </Link>
  ) : (
    <span className="mono">{actor}</span>
  );
}

function CaseListPage() {
  const t = useT(caseStrings);
  const s = useT(shell);
  const f = useFormat();
  const [status, setStatus] = useState('open');
  const q = useQuery({
    queryKey: ['cases', status],
    queryFn: () => api<CaseList>(`/v1/cases${status ? `?status=${status}` : ''}`),
  });
  return (
    <>
      <h1>{t.title}</h1>
      <div className="toolbar">
        <label>
          {t.status}
          <select value={status} onChange={(e) => setStatus(e.target.value)} name="status">
            <option value="">{t.any}</option>
            <option value="open">{t.open}</option>
            <option value="resolved">{t.resolved}</option>
          </select>
        </label>
      </div>
      <QueryError q={q} />
      {!q.data ? (
        <p role="status">{s.loading}</p>
      ) : (
        <section aria-labelledby="h-cases" data-ready="cases">
          <h2 id="h-cases" className="sr-only">
            {t.title}
          </h2>
          {q.data.cases.length === 0 ? <p>{t.none}</p> : null}
          <div className="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t.updated}</th>
                  <th scope="col">{t.case}</th>
                  <th scope="col">{t.actor}</th>
                  <th scope="col">{t.severity}</th>
                  <th scope="col">{t.summary}</th>
                  <th scope="col">{t.alerts}</th>
                  <th scope="col">{t.status}</th>
                  <th scope="col">{t.assignee}</th>
                  <th scope="col">{t.incident}</th>
                </tr>
              </thead>
              <tbody>
                {q.data.cases.map((c) => (
                  <tr key={c.id}>
                    <td>{f.time(c.updatedAt)}</td>
                    <td>
                      <Link href={`/cases/${c.id}`} className="mono">
                        {c.id}
                      </Link>
                    </td>
                    <td>
                      <ActorLink actor={c.actor} />
                    </td>
                    <td>
                      <span className={`badge sev-${c.severity}`}>{c.severity}</span>
                    </td>
                    <td>{c.summary}</td>
                    <td>{c.alerts.length}</td>
                    <td>
                      {c.status === 'open' ? t.open : `${t.resolved} (${t[c.resolution as 'benign'] ?? c.resolution})`}
                    </td>
                    <td>{c.assignee ?? '—'}</td>
                    <td className="mono">{c.incident ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </>
  );
}

function CaseDetail({ id }: { id: string }) {
  const t = useT(caseStrings);
  const s = useT(shell);
  const f = useFormat();
  const client = useQueryClient();
  const key = ['case', id];
  const q = useQuery({ queryKey: key, queryFn: () => api<Case>(`/v1/cases/${encodeURIComponent(id)}`) });
  const [note, setNote] = useState('');
  const [assignee, setAssignee] = useState('');
  const [classification, setClassification] = useState<(typeof CLASSES)[number]>('true_positive');
  const [reason, setReason] = useState('');
  const [esc, setEsc] = useState({ title: '', where: '', measures: '', highRisk: false });
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const c = q.data;

  async function run(p: Promise<unknown>, ok: string) {
    setStatus(null);
    try {
      await p;
      setStatus({ ok: true, text: ok });
      await client.invalidateQueries({ queryKey: key });
      await client.invalidateQueries({ queryKey: ['cases'] });
    } catch (e) {
      setStatus({ ok: false, text: message(e) });
      throw e;
    }
  }
  function addNote(e: FormEvent) {
    e.preventDefault();
    run(
      api<Case>(`/v1/cases/${encodeURIComponent(id)}/comments`, { method: 'POST', body: { text: note } }),
      t.saved,
    ).then(
      () => setNote(''),
      () => undefined,
    );
  }
  function assign(e: FormEvent) {
    e.preventDefault();
    run(api<Case>(`/v1/cases/${encodeURIComponent(id)}/assign`, { method: 'POST', body: { assignee } }), t.saved).catch(
      () => undefined,
    );
  }

  return (
    <>
      <p>
        <Link href="/cases">← {t.back}</Link>
      </p>
      <h1>{fill(t.caseTitle, { id })}</h1>
      <QueryError q={q} />
      {status ? (
        <p role="status" className={status.ok ? 'ok' : 'error'}>
          {status.text}
        </p>
      ) : null}
      {!c ? (
        q.isError ? null : (
          <p role="status">{s.loading}</p>
        )
      ) : (
        <div className="grid" data-ready="case" data-status={c.status}>
          <section aria-labelledby="h-facts" className="card">
            <h2 id="h-facts">{t.facts}</h2>
            <dl className="facts">
              <dt>{t.actor}</dt>
              <dd>
                <ActorLink actor={c.actor} />
              </dd>
              <dt>{t.severity}</dt>
              <dd>
                <span className={`badge sev-${c.severity}`}>{c.severity}</span> ({c.score.toFixed(2)})
              </dd>
              <dt>{t.summary}</dt>
              <dd>{c.summary}</dd>
              <dt>{t.status}</dt>
              <dd>{c.status === 'open' ? t.open : t.resolved}</dd>
              <dt>{t.assignee}</dt>
              <dd>{c.assignee ?? '—'}</dd>
              {c.resolution ? (
                <>
                  <dt>{t.resolution}</dt>
                  <dd>{t[c.resolution as 'benign'] ?? c.resolution}</dd>
                  <dt>{t.reason}</dt>
                  <dd>{c.reason ?? '—'}</dd>
                </>
              ) : null}
              <dt>{t.incident}</dt>
              <dd className="mono" data-incident={c.incident ?? ''}>
                {c.incident ? <Link href={`/incidents/${c.incident}`}>{c.incident}</Link> : '—'}
              </dd>
              <dt>{t.opened}</dt>
              <dd>{f.time(c.openedAt)}</dd>
            </dl>
            <h3>{t.actionsAuto}</h3>
            {c.actions.length === 0 ? <p>{t.noActions}</p> : null}
            <ul>
              {c.actions.map((a, i) => (
                <li key={i}>
                  {a.type}:{' '}
                  {a.type === 'device_status' ? `${a.device} ${a.from} → ${a.to}` : `${a.staff} (${a.grants.length})`} ·{' '}
                  {f.time(a.at)}
                  {a.undone ? ` · ${fill(t.undone, { t: f.time(a.undone) })}` : ''}
                </li>
              ))}
            </ul>
          </section>

          <section aria-labelledby="h-act" className="card">
            <h2 id="h-act">{t.assign}</h2>
            <form className="toolbar" onSubmit={assign}>
              <label>
                {t.assignTo}
                <input
                  name="assignee"
                  value={assignee}
                  required
                  pattern="[A-Za-z0-9][A-Za-z0-9_\-]{0,63}"
                  onChange={(e) => setAssignee(e.target.value.trim())}
                />
              </label>
              <button type="submit" disabled={c.status !== 'open'}>
                {t.assign}
              </button>
            </form>
            <h2 id="h-resolve">{t.resolve}</h2>
            <div className="toolbar">
              <label>
                {t.classify}
                <select
                  name="classification"
                  value={classification}
                  onChange={(e) => setClassification(e.target.value as (typeof CLASSES)[number])}
                >
                  {CLASSES.map((x) => (
                    <option key={x} value={x}>
                      {t[x]}
                    </option>
                  ))}
                </select>
              </label>
              <label className="grow">
                {t.reason}
                <textarea
                  name="reason"
                  rows={2}
                  maxLength={500}
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                  aria-describedby="case-reason-help"
                />
              </label>
              <Confirm
                label={t.resolve}
                title={t.resolveTitle}
                danger
                disabled={c.status !== 'open' || reason.trim() === ''}
                onConfirm={() =>
                  run(
                    api<Case>(`/v1/cases/${encodeURIComponent(id)}/resolve`, {
                      method: 'POST',
                      body: { resolution: classification, reason: reason.trim() },
                    }),
                    t.saved,
                  )
                }
              >
                <p>{fill(t.resolveBody, { c: t[classification] })}</p>
              </Confirm>
            </div>
            <p id="case-reason-help" className="muted">
              {t.reasonHelp}
            </p>
          </section>

          <section aria-labelledby="h-escalate" className="card">
            <h2 id="h-escalate">{t.escalate}</h2>
            {c.incident ? (
              <p>{fill(t.escalated, { id: c.incident })}</p>
            ) : (
              <div className="stack">
                <label>
                  {t.incTitle}
                  <input
                    name="title"
                    value={esc.title}
                    minLength={3}
                    maxLength={200}
                    onChange={(e) => setEsc({ ...esc, title: e.target.value })}
                  />
                </label>
                <label>
                  {t.where}
                  <input
                    name="where"
                    value={esc.where}
                    maxLength={200}
                    onChange={(e) => setEsc({ ...esc, where: e.target.value })}
                  />
                </label>
                <label>
                  {t.measures}
                  <textarea
                    name="measures"
                    rows={2}
                    maxLength={4000}
                    value={esc.measures}
                    onChange={(e) => setEsc({ ...esc, measures: e.target.value })}
                  />
                </label>
                <label className="inline">
                  <input
                    type="checkbox"
                    name="highRisk"
                    checked={esc.highRisk}
                    onChange={(e) => setEsc({ ...esc, highRisk: e.target.checked })}
                  />{' '}
                  {t.highRisk}
                </label>
                <div>
                  <Confirm
                    label={t.escalate}
                    title={t.escalateTitle}
                    disabled={esc.title.trim().length < 3 || !esc.where.trim() || !esc.measures.trim()}
                    onConfirm={() =>
                      run(
                        api<CaseEscalation>(`/v1/cases/${encodeURIComponent(id)}/escalate`, {
                          method: 'POST',
                          body: {
                            title: esc.title.trim(),
                            where: esc.where.trim(),
                            measures: esc.measures.trim(),
                            ...(esc.highRisk ? { highRisk: true } : {}),
                          },
                        }),
                        t.saved,
                      )
                    }
                  >
                    <p>{t.escalateBody}</p>
                  </Confirm>
                </div>
              </div>
            )}
          </section>

          <section aria-labelledby="h-notes" className="card">
            <h2 id="h-notes">{t.notes}</h2>
            {c.comments.length === 0 ? <p>{t.noNotes}</p> : null}
            <ul className="notes">
              {c.comments.map((n, i) => (
                <li key={i}>
                  <strong>{n.by}</strong> · {f.time(n.at)}
                  <p>{n.text}</p>
                </li>
              ))}
            </ul>
            <form onSubmit={addNote} className="stack">
              <label>
                {t.addNote}
                <textarea
                  name="note"
                  rows={3}
                  maxLength={4000}
                  required
                  value={note}
                  onChange={(e) => setNote(e.target.value)}
                />
              </label>
              <div>
                <button type="submit">{t.save}</button>
              </div>
            </form>
          </section>

          <section aria-labelledby="h-evidence" className="card wide">
            <h2 id="h-evidence">{t.evidence}</h2>
            {[...c.alerts].reverse().map((a, i) => (
              <article key={i} aria-labelledby={`cev-${i}`} className="alert-evidence">
                <h3 id={`cev-${i}`}>
                  <code>{a.rule}</code> <span className={`badge sev-${a.severity}`}>{a.severity}</span> · {f.time(a.at)}{' '}
                  · {a.score.toFixed(2)}
                </h3>
                <p>{a.summary}</p>
                <EvidenceList items={a.evidence} />
              </article>
            ))}
          </section>
        </div>
      )}
    </>
  );
}

/** Cases: the list, and one case with its notes, evidence, assignment, closing and escalation to an incident. */
export default function CasesPage() {
  const { id } = useParams<{ id?: string }>();
  return id ? <CaseDetail id={id} /> : <CaseListPage />;
}
