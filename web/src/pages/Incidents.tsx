import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { Link, useRoute } from 'wouter';
import { api } from '../api.ts';
import { Confirm } from '../components/Confirm.tsx';
import { fill, LANG_NAMES, LANGS, useFormat, useT, type Lang } from '../i18n.tsx';
import { shell } from '../strings.ts';
import { categoryNames, incidentStrings } from './incidents.strings.ts';
import { QueryError } from '../components/QueryError.tsx';
import type {
  Incident,
  IncidentDocument,
  IncidentDocuments,
  IncidentList,
  IncidentNotifyDecision,
  IncidentNotifyItem,
  NoticeSend,
} from '../../../src/api/contract/index.ts';

/** "3 h 05 min", from milliseconds. */
function span(ms: number): string {
  const m = Math.floor(Math.abs(ms) / 60_000);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  return `${d ? `${d} d ` : ''}${h} h ${String(m % 60).padStart(2, '0')} min`;
}

/** The time now, ticking every second (for countdowns). */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const i = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(i);
  }, []);
  return now;
}

function Countdown({ due, now }: { due: string; now: number }) {
  const t = useT(incidentStrings);
  const left = Date.parse(due) - now;
  return (
    <span className={left < 0 ? 'late' : left < 6 * 3_600_000 ? 'soon' : ''} data-countdown={due}>
      {fill(left < 0 ? t.overdue : t.dueIn, { t: span(left) })}
    </span>
  );
}

/** #/incidents: every incident with its nearest open deadline. */
export default function IncidentsPage() {
  const t = useT(incidentStrings);
  const s = useT(shell);
  const f = useFormat();
  const now = useNow();
  const q = useQuery({
    queryKey: ['incidents'],
    queryFn: () => api<IncidentList>('/v1/incidents'),
    refetchInterval: 15_000,
  });
  return (
    <>
      <h1>{t.title}</h1>
      <QueryError q={q} />
      {!q.data ? (
        <p role="status">{s.loading}</p>
      ) : q.data.incidents.length === 0 ? (
        <p data-ready="incidents">{t.none}</p>
      ) : (
        <table data-ready="incidents">
          <caption className="sr-only">{t.list}</caption>
          <thead>
            <tr>
              <th scope="col">{t.incident}</th>
              <th scope="col">{t.people}</th>
              <th scope="col">{t.jurisdictions}</th>
              <th scope="col">{t.discovered}</th>
              <th scope="col">{t.nextDeadline}</th>
            </tr>
          </thead>
          <tbody>
            {q.data.incidents.map((i) => {
              const next = i.deadlines.find((d) => !d.met);
              return (
                <tr key={i.id} data-incident={i.id}>
                  <th scope="row">
                    <Link href={`/incidents/${i.id}`}>{i.title}</Link>
                  </th>
                  <td>{f.number(i.subjects)}</td>
                  <td>
                    {Object.entries(i.jurisdictions)
                      .map(([j, n]) => `${j} ${f.number(n)}`)
                      .join(' · ')}
                  </td>
                  <td>{f.time(i.discoveredAt)}</td>
                  <td>
                    {next ? (
                      <>
                        {next.jurisdiction} · {t[next.kind]}: <Countdown due={next.due} now={now} />
                      </>
                    ) : (
                      <span className="ok">{t.allMet}</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

function Decision({ d, incident }: { d: IncidentNotifyDecision; incident: Incident }) {
  const t = useT(incidentStrings);
  const c = useT(categoryNames);
  const cat = (xs: readonly string[]) => xs.map((x) => c[x as 'phone'] ?? x).join(t.and);
  const words = (i: IncidentNotifyItem) => {
    const key = i.reason === 'gdpr34_high_risk' && d.risk.setByHand ? 'gdpr34_high_risk_hand' : (i.reason as 'no_rule');
    return fill(t[key] ?? i.rationale, {
      n: incident.jurisdictions[i.jurisdiction] ?? 0,
      contact: cat(d.risk.contact),
      identity: cat(d.risk.identity),
      categories: cat(incident.categories),
    });
  };
  return (
    <section aria-labelledby="h-decision" className="card wide" data-decision="">
      <h2 id="h-decision">{t.decision}</h2>
      <p>
        {fill(t.decisionSummary, {
          regulators: d.regulators.join(', ') || '—',
          individuals: d.individuals ? t.yes : t.decisionNoIndividuals,
        })}
      </p>
      <table>
        <caption className="sr-only">{t.decision}</caption>
        <thead>
          <tr>
            <th scope="col">{t.jurisdiction}</th>
            <th scope="col">{t.audience}</th>
            <th scope="col">{t.notify}</th>
            <th scope="col">{t.law}</th>
            <th scope="col">{t.why}</th>
          </tr>
        </thead>
        <tbody>
          {d.items.map((i) => (
            <tr
              key={`${i.jurisdiction}/${i.audience}`}
              data-notify={`${i.jurisdiction}/${i.audience}`}
              data-reason={i.reason}
            >
              <th scope="row">{i.jurisdiction}</th>
              <td>{t[i.audience]}</td>
              <td className={i.notify ? 'soon' : 'muted'}>{i.notify ? t.notifyYes : t.notifyNo}</td>
              <td>{i.law}</td>
              <td>{words(i)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Texts({ id, docs, onChange }: { id: string; docs: IncidentDocument[]; onChange: () => void }) {
  const t = useT(incidentStrings);
  const f = useFormat();
  const base = useId();
  const [lang, setLang] = useState<Lang>('vi');
  const tab = (l: Lang) => `${base}-tab-${l}`;
  const onKey = (e: KeyboardEvent) => {
    const i = LANGS.indexOf(lang);
    const next =
      e.key === 'ArrowRight'
        ? LANGS[(i + 1) % LANGS.length]
        : e.key === 'ArrowLeft'
          ? LANGS[(i + LANGS.length - 1) % LANGS.length]
          : undefined;
    if (next) {
      setLang(next);
      document.getElementById(tab(next))?.focus();
    }
  };
  return (
    <section aria-labelledby="h-docs" className="card wide">
      <h2 id="h-docs">{t.documents}</h2>
      <div role="tablist" aria-label={t.languages} className="tabs" onKeyDown={onKey}>
        {LANGS.map((l) => (
          <button
            key={l}
            type="button"
            role="tab"
            id={tab(l)}
            aria-selected={lang === l}
            aria-controls={`${base}-panel`}
            tabIndex={lang === l ? 0 : -1}
            className={lang === l ? 'tab selected' : 'tab'}
            onClick={() => setLang(l)}
            lang={l}
          >
            {LANG_NAMES[l]}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={tab(lang)} className="side-by-side" data-lang={lang}>
        {(['report', 'notice'] as const).map((doc) => {
          const d = docs.find((x) => x.doc === doc && x.lang === lang)!;
          return (
            <article
              key={doc}
              aria-labelledby={`${base}-${doc}`}
              data-doc={doc}
              data-approved={d.approvedBy ? 'yes' : 'no'}
            >
              <h3 id={`${base}-${doc}`}>{t[doc]}</h3>
              <pre className="doc" lang={lang}>
                {d.text}
              </pre>
              <p>
                {d.approvedBy ? (
                  <span className="ok">{fill(t.approvedBy, { by: d.approvedBy, t: f.time(d.approvedAt!) })}</span>
                ) : (
                  <>
                    <span className="muted">{t.notApproved}</span>{' '}
                    <Confirm
                      label={t.approve}
                      title={t.approveTitle}
                      onConfirm={() =>
                        api<IncidentDocument>(
                          `/v1/incidents/${encodeURIComponent(id)}/documents/${doc}/${lang}/approve`,
                          {
                            method: 'POST',
                          },
                        ).then(onChange)
                      }
                    >
                      <p>{fill(t.approveBody, { doc: t[doc], lang: LANG_NAMES[lang] })}</p>
                    </Confirm>
                  </>
                )}
              </p>
            </article>
          );
        })}
      </div>
    </section>
  );
}

function SentLog({
  id,
  sends,
  subjects,
  onChange,
}: {
  id: string;
  sends: NoticeSend[];
  subjects: number;
  onChange: () => void;
}) {
  const t = useT(incidentStrings);
  const f = useFormat();
  const sid = useId();
  const [lang, setLang] = useState('');
  return (
    <section aria-labelledby="h-sent" className="card wide">
      <h2 id="h-sent">{t.sent}</h2>
      {sends.length === 0 ? (
        <>
          <p>{t.sentNone}</p>
          <Confirm
            label={t.send}
            title={fill(t.sendTitle, { n: f.number(subjects) })}
            onConfirm={() =>
              api<NoticeSend>(`/v1/incidents/${encodeURIComponent(id)}/notices/send`, {
                body: lang ? { lang } : {},
              }).then(onChange)
            }
          >
            <p>{t.sendBody}</p>
            <label htmlFor={`${sid}-lang`}>{t.sendLang}</label>{' '}
            <select id={`${sid}-lang`} value={lang} onChange={(e) => setLang(e.target.value)}>
              <option value="">{t.sendAuto}</option>
              {LANGS.map((l) => (
                <option key={l} value={l}>
                  {LANG_NAMES[l]}
                </option>
              ))}
            </select>
          </Confirm>
        </>
      ) : (
        <table data-sent={sends.length}>
          <caption className="sr-only">{t.sent}</caption>
          <thead>
            <tr>
              <th scope="col">{t.sentAt}</th>
              <th scope="col">{t.sentBy}</th>
              <th scope="col">{t.sentCount}</th>
              <th scope="col">{t.unreachable}</th>
              <th scope="col">{t.byLang}</th>
            </tr>
          </thead>
          <tbody>
            {sends.map((x) => (
              <tr key={x.id} data-send={x.sent}>
                <th scope="row">{f.time(x.at)}</th>
                <td>{x.by}</td>
                <td>{f.number(x.sent)}</td>
                <td>{f.number(x.unreachable)}</td>
                <td>
                  {LANGS.filter((l) => x.langs[l])
                    .map((l) => `${l} ${f.number(x.langs[l]!)}`)
                    .join(' · ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** #/incidents/<id>: scope, deadlines with countdowns, whom to notify and why, the texts, approvals, the sent log. */
export function IncidentPage() {
  const t = useT(incidentStrings);
  const s = useT(shell);
  const f = useFormat();
  const c = useT(categoryNames);
  const now = useNow();
  const qc = useQueryClient();
  const [, params] = useRoute('/incidents/:id');
  const id = params?.id ?? '';
  const inc = useQuery({
    queryKey: ['incident', id],
    queryFn: () => api<Incident>(`/v1/incidents/${encodeURIComponent(id)}`),
    enabled: !!id,
  });
  const docs = useQuery({
    queryKey: ['incident-docs', id],
    queryFn: () => api<IncidentDocuments>(`/v1/incidents/${encodeURIComponent(id)}/documents`),
    enabled: !!id,
  });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['incident', id] });
    void qc.invalidateQueries({ queryKey: ['incident-docs', id] });
  };
  const i = inc.data;
  const error = inc.error ?? docs.error;
  return (
    <>
      <p>
        <Link href="/incidents">← {t.back}</Link>
      </p>
      <h1>{i?.title ?? t.incident}</h1>
      {error ? (
        <p role="alert" className="error">
          {fill(s.error, { message: (error as Error).message })}
        </p>
      ) : null}
      {!i || !docs.data ? (
        <p role="status">{s.loading}</p>
      ) : (
        <div className="grid" data-ready="incident">
          <section aria-labelledby="h-scope" className="card">
            <h2 id="h-scope">{t.facts}</h2>
            <dl className="facts">
              <dt>{t.where}</dt>
              <dd>{i.where}</dd>
              <dt>{t.discovered}</dt>
              <dd>{f.time(i.discoveredAt)}</dd>
              {i.occurredAt ? (
                <>
                  <dt>{t.occurred}</dt>
                  <dd>{f.time(i.occurredAt)}</dd>
                </>
              ) : null}
              <dt>{t.subjects}</dt>
              <dd data-subjects={i.subjects}>{f.number(i.subjects)}</dd>
              <dt>{t.jurisdictions}</dt>
              <dd>
                {Object.entries(i.jurisdictions)
                  .map(([j, n]) => `${j} ${f.number(n)}`)
                  .join(' · ')}
              </dd>
              <dt>{t.categories}</dt>
              <dd>{i.categories.map((x) => c[x as 'phone'] ?? x).join(', ')}</dd>
              <dt>{t.highRisk}</dt>
              <dd>{i.highRisk ? t.yes : t.no}</dd>
              <dt>{t.measures}</dt>
              <dd>{i.measures}</dd>
              <dt>{t.opened}</dt>
              <dd>{f.time(i.openedAt)}</dd>
            </dl>
          </section>
          <section aria-labelledby="h-deadlines" className="card wide">
            <h2 id="h-deadlines">{t.deadlines}</h2>
            <table>
              <caption className="sr-only">{t.deadlines}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.jurisdiction}</th>
                  <th scope="col">{t.audience}</th>
                  <th scope="col">{t.to}</th>
                  <th scope="col">{t.law}</th>
                  <th scope="col">{t.rule}</th>
                  <th scope="col">{t.due}</th>
                  <th scope="col">{t.left}</th>
                </tr>
              </thead>
              <tbody>
                {i.deadlines.map((d, k) => (
                  <tr key={k} data-deadline={`${d.jurisdiction}/${d.kind}`}>
                    <th scope="row">{d.jurisdiction}</th>
                    <td>{t[d.kind]}</td>
                    <td>{d.to}</td>
                    <td>{d.law}</td>
                    <td>{d.rule}</td>
                    <td>{f.time(d.due)}</td>
                    <td>
                      {d.met ? (
                        <span className="ok">{fill(t.metAt, { t: f.time(d.met) })}</span>
                      ) : (
                        <>
                          <Countdown due={d.due} now={now} />{' '}
                          <Confirm
                            label={t.markMet}
                            title={t.markMetTitle}
                            onConfirm={() =>
                              api<Incident>(`/v1/incidents/${encodeURIComponent(id)}/deadlines/${k}/met`, {
                                method: 'POST',
                              }).then(refresh)
                            }
                          >
                            <p>{fill(t.markMetBody, { law: d.law, audience: t[d.kind] })}</p>
                          </Confirm>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <Decision d={docs.data.decision} incident={i} />
          <Texts id={id} docs={docs.data.documents} onChange={refresh} />
          <SentLog id={id} sends={docs.data.sends} subjects={i.subjects} onChange={refresh} />
        </div>
      )}
    </>
  );
}
