import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type ExpandedState } from '@tanstack/react-table';
import { Fragment, useMemo, useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { api, ApiError } from '../api.ts';
import { KeyPanel, ProofDetails, TrustedKeyProvider, Verify, type LoadedProof } from '../components/Proof.tsx';
import { fill, useFormat, useT } from '../i18n.tsx';
import { shell } from '../strings.ts';
import { fromBase64 } from '../verify.ts';
import { accessStrings } from './access.strings.ts';
import { QueryError } from '../components/QueryError.tsx';
import { TableHead } from '../components/TableHead.tsx';
import type { AuditEntry, AuditSearchEntry, AuditSearchPage } from '../../../src/api/contract/index.ts';

const FILTERS = ['actor', 'subject', 'purpose', 'device', 'kind', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
const EMPTY: Filters = { actor: '', subject: '', purpose: '', device: '', kind: '', from: '', to: '' };
const KINDS = [
  'reveal',
  'export',
  'grant',
  'break_glass_review',
  'explanation',
  'ticket',
  'moderation',
  'device',
  'case',
  'response',
  'incident',
  'trace',
  'canary',
  'staff',
  'api_key',
  'policy',
  'key',
];

/** The entry's own fields, read from the bytes that are hashed (not from anything else the server says). */
export function decodeEntry(entry: string): Record<string, unknown> {
  try {
    const o = JSON.parse(new TextDecoder().decode(fromBase64(entry) ?? new Uint8Array())) as unknown;
    return typeof o === 'object' && o !== null ? (o as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
const show = (v: unknown): string =>
  Array.isArray(v) ? v.join(', ') : v === null || v === undefined ? '—' : String(v);

/** What an entry is about, in a few words: the field and purpose of a reveal, the device and its status, the case… */
function detailOf(d: Record<string, unknown>): string {
  return ['field', 'purpose', 'dataset', 'device', 'status', 'case', 'export', 'grant', 'incident', 'staff', 'review']
    .filter((k) => typeof d[k] === 'string' || typeof d[k] === 'number')
    .map((k) => `${k}: ${String(d[k])}`)
    .join(' · ');
}

function ActorLink({ actor }: { actor: string }) {
  const m = /^(staff|device):(.+)$/.exec(actor);
  return m ? <Link href={`/entity/${m[1]}/${encodeURIComponent(m[2]!)}`}>{actor}</Link> : <span>{actor}</span>;
}

/** The latest signed checkpoint (public, as witnesses read it) and the entry's inclusion proof for exactly that tree size. */
async function loadProof(index: number): Promise<LoadedProof> {
  const note = await api<string>('/log/checkpoint', { text: true, token: null });
  const size = Number(note.split('\n')[1]);
  if (!Number.isSafeInteger(size)) return { size: -1, proof: [], note };
  const p = await api<Pick<AuditEntry, 'size' | 'proof'>>(`/v1/audit/entries/${index}?size=${size}`);
  return { size: p.size, proof: p.proof, note };
}

function EntryDetails({ hit }: { hit: AuditSearchEntry }) {
  const t = useT(accessStrings);
  const q = useQuery({
    queryKey: ['audit-proof', hit.index],
    queryFn: () => loadProof(hit.index),
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
  const data = useMemo(() => decodeEntry(hit.entry), [hit.entry]);
  const load = async () => {
    const r = await q.refetch();
    if (r.error) throw r.error;
    return r.data!;
  };
  return (
    <div className="entry-details" data-entry={hit.index}>
      <h3 className="sr-only">{fill(t.entryOf, { index: hit.index })}</h3>
      <dl className="facts">
        {Object.entries(data).map(([k, v]) => (
          <Fragment key={k}>
            <dt>{k}</dt>
            <dd className="mono">{show(v)}</dd>
          </Fragment>
        ))}
      </dl>
      {q.isLoading ? <p role="status">{t.loadingProof}</p> : null}
      <QueryError q={q} />
      {q.data ? <ProofDetails index={hit.index} size={q.data.size} proof={q.data.proof} /> : null}
      <Verify entry={hit.entry} index={hit.index} load={load} label={`${fill(t.entryOf, { index: hit.index })}`} />
    </div>
  );
}

function SearchForm({ initial, onSearch }: { initial: Filters; onSearch: (f: Filters) => void }) {
  const t = useT(accessStrings);
  const [f, setF] = useState<Filters>(initial);
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  function submit(e: FormEvent) {
    e.preventDefault();
    onSearch(f);
  }
  return (
    <form className="toolbar search" onSubmit={submit} role="search" aria-label={t.search}>
      <label>
        {t.actor}
        <input
          id="q-actor"
          value={f.actor}
          onChange={set('actor')}
          placeholder="staff:u-17"
          aria-describedby="q-actor-help"
          autoComplete="off"
        />
        <span id="q-actor-help" className="muted sr-only">
          {t.actorHelp}
        </span>
      </label>
      <label>
        {t.subject}
        <input id="q-subject" value={f.subject} onChange={set('subject')} placeholder="sub_…" autoComplete="off" />
      </label>
      <label>
        {t.purpose}
        <input
          id="q-purpose"
          value={f.purpose}
          onChange={set('purpose')}
          placeholder="ticket_followup"
          autoComplete="off"
        />
      </label>
      <label>
        {t.device}
        <input id="q-device" value={f.device} onChange={set('device')} placeholder="dev_…" autoComplete="off" />
      </label>
      <label>
        {t.kind}
        <input
          id="q-kind"
          list="q-kinds"
          value={f.kind}
          onChange={set('kind')}
          placeholder={t.anyKind}
          autoComplete="off"
        />
        <datalist id="q-kinds">
          {KINDS.map((k) => (
            <option key={k} value={k} />
          ))}
        </datalist>
      </label>
      <label>
        {t.from}
        <input id="q-from" type="datetime-local" value={f.from} onChange={set('from')} />
      </label>
      <label>
        {t.to}
        <input id="q-to" type="datetime-local" value={f.to} onChange={set('to')} />
      </label>
      <button type="submit">{t.search}</button>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          setF(EMPTY);
          onSearch(EMPTY);
        }}
      >
        {t.clear}
      </button>
    </form>
  );
}

function queryOf(f: Filters, cursor: string | null): string {
  const p = new URLSearchParams();
  for (const k of FILTERS) {
    const v = f[k].trim();
    if (!v) continue;
    // datetime-local is the browser's local time: sent as UTC.
    p.set(k, k === 'from' || k === 'to' ? new Date(v).toISOString() : v);
  }
  if (cursor) p.set('cursor', cursor);
  return p.toString();
}

function Results({ filters }: { filters: Filters }) {
  const t = useT(accessStrings);
  const s = useT(shell);
  const fmt = useFormat();
  const q = useInfiniteQuery({
    queryKey: ['audit-search', filters],
    queryFn: ({ pageParam }) => api<AuditSearchPage>(`/v1/audit/search?${queryOf(filters, pageParam)}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
  });
  const hits = useMemo(() => q.data?.pages.flatMap((p) => p.entries) ?? [], [q.data]);
  const [expanded, setExpanded] = useState<ExpandedState>({});
  const columns = useMemo<ColumnDef<AuditSearchEntry>[]>(
    () => [
      { id: 'index', header: t.index, accessorKey: 'index' },
      {
        id: 'at',
        header: t.at,
        accessorKey: 'at',
        cell: (c) => <time dateTime={c.row.original.at}>{fmt.time(c.row.original.at)}</time>,
      },
      {
        id: 'kind',
        header: t.kind,
        accessorKey: 'kind',
        cell: (c) => <span className="badge">{c.row.original.kind}</span>,
      },
      { id: 'actor', header: t.actor, accessorKey: 'actor', cell: (c) => <ActorLink actor={c.row.original.actor} /> },
      {
        id: 'subject',
        header: t.subject,
        accessorKey: 'subject',
        cell: (c) => <span className="mono">{c.row.original.subject ?? '—'}</span>,
      },
      { id: 'result', header: t.result, accessorKey: 'result', cell: (c) => c.row.original.result ?? '—' },
      { id: 'detail', header: t.detail, cell: (c) => detailOf(decodeEntry(c.row.original.entry)) },
      {
        id: 'expand',
        header: () => <span className="sr-only">{t.details}</span>,
        cell: (c) => (
          <button
            type="button"
            className="secondary details-button"
            data-index={c.row.original.index}
            aria-expanded={c.row.getIsExpanded()}
            onClick={c.row.getToggleExpandedHandler()}
          >
            {c.row.getIsExpanded() ? t.hide : t.details}
            <span className="sr-only"> {fill(t.entryOf, { index: c.row.original.index })}</span>
          </button>
        ),
      },
    ],
    [t, fmt],
  );
  const table = useReactTable({
    data: hits,
    columns,
    state: { expanded },
    onExpandedChange: setExpanded,
    getRowCanExpand: () => true,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (r) => String(r.index),
  });
  if (q.isError) {
    const e = q.error;
    const where = e instanceof ApiError ? e.details.map((d) => `${d.path ?? ''} ${d.problem}`.trim()).join('; ') : '';
    return (
      <p role="alert" className="error" data-error="search">
        {fill(s.error, { message: e.message })}
        {where ? ` (${where})` : ''}
      </p>
    );
  }
  if (!q.data) return <p role="status">{s.loading}</p>;
  return (
    <section
      aria-labelledby="h-results"
      className="card wide"
      data-ready="access"
      data-count={hits.length}
      data-query={queryOf(filters, null)}
    >
      <h2 id="h-results">{t.results}</h2>
      {hits.length === 0 ? <p>{t.none}</p> : <p className="muted">{fill(t.count, { n: hits.length })}</p>}
      {hits.length > 0 ? (
        <table className="audit-results">
          <TableHead table={table} />
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <Fragment key={row.id}>
                <tr data-index={row.original.index} data-kind={row.original.kind}>
                  {row.getVisibleCells().map((c) => (
                    <td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</td>
                  ))}
                </tr>
                {row.getIsExpanded() ? (
                  <tr className="expanded">
                    <td colSpan={row.getVisibleCells().length}>
                      <EntryDetails hit={row.original} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      ) : null}
      {q.hasNextPage ? (
        <button
          type="button"
          className="secondary"
          onClick={() => void q.fetchNextPage()}
          disabled={q.isFetchingNextPage}
        >
          {t.more}
        </button>
      ) : null}
    </section>
  );
}

/** The access explorer. Search the audit log; prove any entry in the browser. */
export default function AccessPage() {
  const t = useT(accessStrings);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const key = useQuery({
    queryKey: ['log-key'],
    queryFn: () => api<string>('/log/key', { text: true, token: null }),
    staleTime: 60_000,
  });
  return (
    <TrustedKeyProvider serverKey={key.data}>
      <h1>{t.title}</h1>
      <p className="muted">{t.intro}</p>
      <SearchForm initial={EMPTY} onSearch={setFilters} />
      <div className="grid">
        <Results filters={filters} />
        <KeyPanel />
      </div>
    </TrustedKeyProvider>
  );
}
