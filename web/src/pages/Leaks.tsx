import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Link, useLocation, useRoute } from 'wouter';
import { api } from '../api.ts';
import { useMe } from '../auth.tsx';
import { fill, useFormat, useT } from '../i18n.tsx';
import { shell } from '../strings.ts';
import { leakStrings } from './leaks.strings.ts';
import { QueryError } from '../components/QueryError.tsx';
import type {
  TraceDetail,
  TraceIncident,
  TraceInvestigation,
  TraceInvestigationList,
  TraceReportSummary,
  TraceStatus,
} from '../../../src/api/contract/index.ts';

const OFFICERS = ['privacy', 'admin', 'supervisor'];
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

function StatusBadge({ s }: { s: TraceStatus }) {
  const t = useT(leakStrings);
  return (
    <span className={`badge trace-${s}`} data-status={s}>
      {t[s]}
    </span>
  );
}

function Upload() {
  const t = useT(leakStrings);
  const id = useId();
  const qc = useQueryClient();
  const [, go] = useLocation();
  const [file, setFile] = useState<File | null>(null);
  const m = useMutation({
    mutationFn: (f: File) =>
      api<TraceInvestigation>(`/v1/traces?name=${encodeURIComponent(f.name)}`, {
        method: 'POST',
        raw: f,
        type: f.type || 'application/octet-stream',
      }),
    onSuccess: (inv) => {
      void qc.invalidateQueries({ queryKey: ['traces'] });
      go(`/leaks/${inv.id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file) m.mutate(file);
  };
  return (
    <section aria-labelledby={`${id}-h`} className="card">
      <h2 id={`${id}-h`}>{t.upload}</h2>
      <p className="muted" id={`${id}-help`}>
        {t.uploadHelp}
      </p>
      <form className="toolbar" onSubmit={submit}>
        <label>
          {t.file}
          <input
            type="file"
            name="file"
            required
            aria-describedby={`${id}-help`}
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </label>
        <button type="submit" disabled={!file || m.isPending}>
          {m.isPending ? t.sending : t.send}
        </button>
      </form>
      <QueryError q={m} />
    </section>
  );
}

/** #/leaks: upload a file, and the investigations so far. */
export default function LeaksPage() {
  const t = useT(leakStrings);
  const s = useT(shell);
  const f = useFormat();
  const q = useQuery({
    queryKey: ['traces'],
    queryFn: () => api<TraceInvestigationList>('/v1/traces'),
    refetchInterval: (query) =>
      query.state.data?.investigations.some((i) => i.status === 'queued' || i.status === 'tracing') ? 1000 : 10_000,
  });
  return (
    <>
      <h1>{t.title}</h1>
      <div className="grid">
        <Upload />
        <section aria-labelledby="h-traces" className="card wide">
          <h2 id="h-traces">{t.list}</h2>
          <QueryError q={q} />
          {!q.data ? (
            <p role="status">{s.loading}</p>
          ) : q.data.investigations.length === 0 ? (
            <p data-ready="leaks">{t.none}</p>
          ) : (
            <table data-ready="leaks">
              <caption className="sr-only">{t.list}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.name}</th>
                  <th scope="col">{t.status}</th>
                  <th scope="col">{t.progress}</th>
                  <th scope="col">{t.rowsRead}</th>
                  <th scope="col">{t.uploadedBy}</th>
                  <th scope="col">{t.uploadedAt}</th>
                </tr>
              </thead>
              <tbody>
                {q.data.investigations.map((i) => (
                  <tr key={i.id} data-trace={i.id}>
                    <th scope="row">
                      <Link href={`/leaks/${i.id}`}>{i.name}</Link>
                    </th>
                    <td>
                      <StatusBadge s={i.status} />
                    </td>
                    <td>{pct(i.progress)}</td>
                    <td>{f.number(i.rowsRead)}</td>
                    <td>{i.uploadedBy}</td>
                    <td>{f.time(i.uploadedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </>
  );
}

function HtmlReport({ id, name }: { id: string; name: string }) {
  const t = useT(leakStrings);
  const s = useT(shell);
  const [error, setError] = useState<string | null>(null);
  // The report needs the staff token, which a plain link would not send: fetched, then saved.
  async function download() {
    setError(null);
    try {
      const html = await api<string>(`/v1/traces/${encodeURIComponent(id)}/report.html`, { text: true });
      const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${name.replace(/\.[^.]*$/, '')}-trace.html`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(fill(s.error, { message: (e as Error).message }));
    }
  }
  return (
    <>
      <button type="button" className="secondary" onClick={() => void download()} data-html-report="">
        {t.htmlReport}
      </button>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
    </>
  );
}

function OpenIncident({ id }: { id: string }) {
  const t = useT(leakStrings);
  const fid = useId();
  const [title, setTitle] = useState('');
  const [where, setWhere] = useState('');
  const [measures, setMeasures] = useState('');
  const m = useMutation({
    mutationFn: () =>
      api<TraceIncident>(`/v1/traces/${encodeURIComponent(id)}/incident`, {
        body: { title, where, measures },
      }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate();
  };
  return (
    <section aria-labelledby={`${fid}-h`} className="card wide">
      <h2 id={`${fid}-h`}>{t.openIncident}</h2>
      <p className="muted">{t.incidentHelp}</p>
      {m.data ? (
        <p role="status" className="ok" data-incident={m.data.id}>
          {t.incOpened} <Link href={`/incidents/${m.data.id}`}>{m.data.title}</Link>
        </p>
      ) : (
        <form className="stack" onSubmit={submit}>
          <label>
            {t.incTitle}
            <input
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              name="title"
              required
              minLength={3}
              maxLength={200}
            />
          </label>
          <label>
            {t.incWhere}
            <input value={where} onChange={(e) => setWhere(e.target.value)} name="where" required maxLength={200} />
          </label>
          <label>
            {t.incMeasures}
            <textarea
              value={measures}
              onChange={(e) => setMeasures(e.target.value)}
              name="measures"
              required
              maxLength={4000}
              rows={3}
            />
          </label>
          <div>
            <button type="submit" disabled={m.isPending}>
              {t.incOpen}
            </button>
          </div>
        </form>
      )}
      <QueryError q={m} />
    </section>
  );
}

function ReportView({ r }: { r: TraceReportSummary }) {
  const t = useT(leakStrings);
  const f = useFormat();
  return (
    <>
      <section aria-labelledby="h-columns" className="card">
        <h2 id="h-columns">{t.columns}</h2>
        <dl className="facts">
          <dt>{t.format}</dt>
          <dd>
            {r.file.format} · {r.file.encoding}
          </dd>
          <dt>{t.rowsRead}</dt>
          <dd data-rows-read={r.rowsRead}>{f.number(r.rowsRead)}</dd>
          <dt>{t.rowsMatched}</dt>
          <dd>{f.number(r.rowsMatched)}</dd>
          <dt>{t.rowsSkipped}</dt>
          <dd>{f.number(r.rowsSkipped)}</dd>
        </dl>
        <table>
          <caption className="sr-only">{t.columns}</caption>
          <thead>
            <tr>
              <th scope="col">{t.column}</th>
              <th scope="col">{t.category}</th>
              <th scope="col">{t.confidence}</th>
            </tr>
          </thead>
          <tbody>
            {r.columns.map((c) => (
              <tr key={c.index} data-column={c.category}>
                <th scope="row">{c.header ?? `#${c.index + 1}`}</th>
                <td>{c.category}</td>
                <td>{pct(c.confidence)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="h-victims" className="card">
        <h2 id="h-victims">{t.victims}</h2>
        <p className="big" data-victims={r.affectedCount}>
          {fill(t.victimsCount, { n: f.number(r.affectedCount) })}
        </p>
        {r.affected.length ? (
          <details>
            <summary>
              {t.tokens}{' '}
              {r.affected.length < r.affectedCount ? fill(t.tokensShown, { n: f.number(r.affected.length) }) : null}
            </summary>
            <ul className="tokens mono">
              {r.affected.map((x) => (
                <li key={x}>{x}</li>
              ))}
            </ul>
          </details>
        ) : null}
        <h3>{t.categories}</h3>
        <ul>
          {Object.entries(r.categories).map(([k, n]) => (
            <li key={k} data-category={k}>
              {k}: {fill(t.values, { n: f.number(n) })}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="h-canaries" className="card">
        <h2 id="h-canaries">{t.canaries}</h2>
        {r.canaryHits.length === 0 ? (
          <p>{t.noCanary}</p>
        ) : (
          <ul>
            {r.canaryHits.map((c) => (
              <li key={c.token}>
                <strong>{t.channel}:</strong> <code>{c.channel}</code> — {c.detail}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="h-sources" className="card wide">
        <h2 id="h-sources">{t.sources}</h2>
        {r.sources.length === 0 ? (
          <p>{t.noSource}</p>
        ) : (
          <table data-sources={r.sources.length}>
            <caption className="sr-only">{t.sources}</caption>
            <thead>
              <tr>
                <th scope="col">{t.rank}</th>
                <th scope="col">{t.kind}</th>
                <th scope="col">{t.source}</th>
                <th scope="col">{t.coverage}</th>
                <th scope="col">{t.precision}</th>
                <th scope="col">{t.score}</th>
                <th scope="col">{t.evidence}</th>
              </tr>
            </thead>
            <tbody>
              {r.sources.map((x, i) => (
                <tr key={`${x.kind}:${x.id}`} data-source={x.id}>
                  <td>{i + 1}</td>
                  <td>{t[x.kind]}</td>
                  <th scope="row">
                    {x.kind === 'device' ? (
                      <Link href={`/entity/device/${x.id}`} className="mono">
                        {x.id}
                      </Link>
                    ) : x.kind === 'staff' ? (
                      <Link href={`/entity/staff/${x.id.replace(/^(staff|seller):/, '')}`} className="mono">
                        {x.id}
                      </Link>
                    ) : (
                      <code>{x.id}</code>
                    )}
                  </th>
                  <td>{pct(x.coverage)}</td>
                  <td>{pct(x.precision)}</td>
                  <td>{x.score.toFixed(3)}</td>
                  <td>{x.evidence}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

/** #/leaks/<id>: progress while traced, then the report. */
export function LeakPage() {
  const t = useT(leakStrings);
  const s = useT(shell);
  const f = useFormat();
  const { me } = useMe();
  const [, params] = useRoute('/leaks/:id');
  const id = params?.id ?? '';
  const q = useQuery({
    queryKey: ['trace', id],
    queryFn: () => api<TraceDetail>(`/v1/traces/${encodeURIComponent(id)}`),
    enabled: !!id,
    refetchInterval: (query) =>
      query.state.data && (query.state.data.status === 'queued' || query.state.data.status === 'tracing') ? 500 : false,
  });
  const i = q.data;
  return (
    <>
      <p>
        <Link href="/leaks">← {t.back}</Link>
      </p>
      <h1>{fill(t.detail, { name: i?.name ?? id })}</h1>
      <QueryError q={q} />
      {!i ? (
        <p role="status">{s.loading}</p>
      ) : (
        <div
          className="grid"
          data-ready={i.status === 'done' || i.status === 'failed' ? 'leak' : undefined}
          data-status={i.status}
        >
          <section aria-labelledby="h-file" className="card wide">
            <h2 id="h-file">{i.name}</h2>
            <dl className="facts">
              <dt>{t.status}</dt>
              <dd>
                <StatusBadge s={i.status} />
              </dd>
              <dt>{t.sha256}</dt>
              <dd>
                <code>{i.sha256}</code>
              </dd>
              <dt>{t.bytes}</dt>
              <dd>{f.number(i.bytes)} B</dd>
              <dt>{t.uploadedBy}</dt>
              <dd>
                {i.uploadedBy}, {f.time(i.uploadedAt)}
              </dd>
            </dl>
            <label className="progress">
              {t.traceProgress}
              <progress max={1} value={i.progress} data-progress={i.progress}>
                {pct(i.progress)}
              </progress>
              <span aria-hidden="true">{pct(i.progress)}</span>
            </label>
            <p role="status" className="muted">
              {t[i.status]} · {t.rowsRead}: {f.number(i.rowsRead)}
            </p>
            {i.status === 'failed' && i.error ? (
              <p role="alert" className="error">
                {fill(t.failedWhy, { error: i.error })}
              </p>
            ) : null}
            {i.status === 'done' ? <HtmlReport id={i.id} name={i.name} /> : null}
          </section>
          {i.report ? <ReportView r={i.report} /> : null}
          {i.report && i.report.affectedCount > 0 && me && OFFICERS.includes(me.role) ? (
            <OpenIncident id={i.id} />
          ) : null}
        </div>
      )}
    </>
  );
}
