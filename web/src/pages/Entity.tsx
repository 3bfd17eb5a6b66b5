import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useParams } from 'wouter';
import { api } from '../api.ts';
import { Confirm } from '../components/Confirm.tsx';
import { Reveal } from '../components/Reveal.tsx';
import { fill, useFormat, useT } from '../i18n.tsx';
import { shell } from '../strings.ts';
import { entityStrings } from './entity.strings.ts';
import { EvidenceList } from './Evidence.tsx';
import { QueryError } from '../components/QueryError.tsx';
import type { Entity, EntityDeviceStatus, EntityGrantsSuspended } from '../../../src/api/contract/index.ts';

const Chart = lazy(() => import('../Chart.tsx'));

/** One staff member or device: risk over time, its recent actions (explained ones marked), the evidence, and what an analyst may do about it. */
export default function EntityPage() {
  const { kind = '', id = '' } = useParams<{ kind: string; id: string }>();
  const t = useT(entityStrings);
  const s = useT(shell);
  const f = useFormat();
  const client = useQueryClient();
  const [done, setDone] = useState<string | null>(null);
  const key = ['entity', kind, id];
  const q = useQuery({
    queryKey: key,
    queryFn: () => api<Entity>(`/v1/entities/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`),
  });
  const e = q.data;
  const series = useMemo(() => (e ? [{ label: t.score, values: e.risk.scores, color: '#b3261e' }] : []), [e, t]);
  const refresh = () => client.invalidateQueries({ queryKey: key });

  async function quarantine(status: 'restricted' | 'revoked') {
    const d = await api<EntityDeviceStatus>(`/v1/entities/device/${encodeURIComponent(id)}/status`, {
      method: 'POST',
      body: { status },
    });
    setDone(fill(t.statusSet, { s: d.status }));
    await refresh();
  }
  async function suspend() {
    const r = await api<EntityGrantsSuspended>(`/v1/entities/staff/${encodeURIComponent(id)}/suspend-grants`, {
      method: 'POST',
    });
    setDone(r.grants.length ? fill(t.suspended, { n: r.grants.length }) : t.nothingSuspended);
    await refresh();
  }

  const title = fill(kind === 'device' ? t.device : t.staff, { id });
  return (
    <>
      <h1>{title}</h1>
      <QueryError q={q} />
      {!e ? (
        q.isError ? null : (
          <p role="status">{s.loading}</p>
        )
      ) : (
        <div className="grid" data-ready="entity">
          <section aria-labelledby="h-facts" className="card">
            <h2 id="h-facts">{t.facts}</h2>
            <dl className="facts">
              {e.device ? (
                <>
                  <dt>{t.station}</dt>
                  <dd>{e.device.station}</dd>
                  <dt>{t.kind}</dt>
                  <dd>{e.device.kind}</dd>
                  <dt>{t.build}</dt>
                  <dd>
                    <code>{e.device.build.slice(0, 12)}…</code> ({e.device.buildKnown ? t.buildKnown : t.buildUnknown})
                  </dd>
                  <dt>{t.status}</dt>
                  <dd data-status={e.device.status}>
                    <strong>{e.device.status}</strong> ({fill(t.since, { t: f.time(e.device.statusAt) })})
                  </dd>
                </>
              ) : null}
              {e.staff ? (
                <>
                  <dt>{t.role}</dt>
                  <dd>{e.staff.role}</dd>
                  <dt>{t.team}</dt>
                  <dd>{e.staff.team ?? '—'}</dd>
                  <dt>{t.grants}</dt>
                  <dd data-grants={e.staff.grantsInForce}>{e.staff.grantsInForce}</dd>
                </>
              ) : null}
              <dt>{t.cases}</dt>
              <dd>
                {e.cases.length === 0
                  ? '—'
                  : e.cases.map((c, i) => (
                      <span key={c.id}>
                        {i ? ', ' : ''}
                        <Link href={`/cases/${c.id}`} className="mono">
                          {c.id}
                        </Link>{' '}
                        ({c.status}
                        {c.incident ? `, ${fill(t.incident, { id: c.incident })}` : ''})
                      </span>
                    ))}
              </dd>
            </dl>
          </section>

          <section aria-labelledby="h-actions" className="card">
            <h2 id="h-actions">{t.actions}</h2>
            <div className="toolbar">
              {e.device ? (
                <>
                  <Confirm
                    label={t.restrict}
                    title={t.restrictTitle}
                    disabled={e.device.status !== 'active'}
                    onConfirm={() => quarantine('restricted')}
                  >
                    <p>{t.restrictBody}</p>
                  </Confirm>
                  <Confirm
                    label={t.revoke}
                    title={t.revokeTitle}
                    danger
                    disabled={e.device.status === 'revoked'}
                    onConfirm={() => quarantine('revoked')}
                  >
                    <p>{t.revokeBody}</p>
                  </Confirm>
                </>
              ) : (
                <Confirm label={t.suspend} title={fill(t.suspendTitle, { id })} danger onConfirm={suspend}>
                  <p>{t.suspendBody}</p>
                </Confirm>
              )}
            </div>
            {done ? (
              <p role="status" className="ok">
                {done}
              </p>
            ) : null}
          </section>

          <section aria-labelledby="h-risk" className="card wide">
            <h2 id="h-risk">{t.risk}</h2>
            {e.risk.points.length === 0 ? (
              <p>{t.riskNone}</p>
            ) : (
              <>
                <Suspense fallback={<div className="chart" />}>
                  <Chart hours={e.risk.hours} series={series} />
                </Suspense>
                <table className="totals">
                  <caption className="sr-only">{t.risk}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t.at}</th>
                      <th scope="col">{t.rule}</th>
                      <th scope="col">{t.score}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {e.risk.points.map((p, i) => (
                      <tr key={i}>
                        <td>{f.time(p.at)}</td>
                        <td>
                          <code>{p.rule}</code> <span className={`badge sev-${p.severity}`}>{p.severity}</span>
                        </td>
                        <td>{p.score.toFixed(2)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
          </section>

          <section aria-labelledby="h-evidence" className="card wide" data-section="evidence">
            <h2 id="h-evidence">{t.evidence}</h2>
            {e.evidence.length === 0 ? <p>{t.evidenceNone}</p> : null}
            {e.evidence.map((a, i) => (
              <article key={i} aria-labelledby={`ev-${i}`} className="alert-evidence">
                <h3 id={`ev-${i}`}>
                  <code>{a.rule}</code> <span className={`badge sev-${a.severity}`}>{a.severity}</span> · {f.time(a.at)}{' '}
                  ·{' '}
                  <Link href={`/cases/${a.case}`} className="mono">
                    {a.case}
                  </Link>
                </h3>
                <p>{a.summary}</p>
                <EvidenceList items={a.items} />
              </article>
            ))}
          </section>

          <section aria-labelledby="h-timeline" className="card wide">
            <h2 id="h-timeline">{t.timeline}</h2>
            {e.timeline.length === 0 ? (
              <p>{t.timelineNone}</p>
            ) : (
              <div className="scroll">
                <table data-section="timeline">
                  <thead>
                    <tr>
                      <th scope="col">{t.at}</th>
                      <th scope="col">{t.what}</th>
                      <th scope="col">{t.result}</th>
                      <th scope="col">{e.kind === 'device' ? t.parcel : t.customer}</th>
                      <th scope="col">{t.field}</th>
                      <th scope="col">{t.purpose}</th>
                      <th scope="col">{t.explanation}</th>
                      <th scope="col">{t.explained}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {e.timeline.map((x, i) => (
                      <tr key={i} data-explained={x.explained === null ? 'na' : String(x.explained)}>
                        <td>{f.time(x.at)}</td>
                        <td>{x.kind}</td>
                        <td>{x.result ?? '—'}</td>
                        <td>
                          {x.subject ? (
                            <>
                              <span className="mono">{x.subject}</span>{' '}
                              <Reveal subject={x.subject} field={x.field ?? 'phone'} />
                            </>
                          ) : (
                            <span className="mono">{x.parcel ?? '—'}</span>
                          )}
                        </td>
                        <td>{x.field ?? '—'}</td>
                        <td>{x.purpose ?? '—'}</td>
                        <td className="mono">{x.explanation ?? '—'}</td>
                        <td>
                          {x.explained === null ? (
                            t.notJudged
                          ) : (
                            <span
                              className={x.explained ? 'ok' : 'late'}
                              title={x.judgedBy === 'engine' ? t.byEngine : undefined}
                            >
                              {x.explained ? t.explained : t.unexplained}
                            </span>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </div>
      )}
    </>
  );
}
