import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
  type RowSelectionState,
} from '@tanstack/react-table';
import { useMemo, useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { api } from '../api.ts';
import { Confirm } from '../components/Confirm.tsx';
import { fill, useFormat, useT } from '../i18n.tsx';
import { shell } from '../strings.ts';
import { alertStrings } from './alerts.strings.ts';
import { entityPath } from './triage.fns.ts';
import { QueryError } from '../components/QueryError.tsx';
import { TableHead } from '../components/TableHead.tsx';
import type { AlertList, AlertRow, CaseBulkResult } from '../../../src/api/contract/index.ts';

type Filters = { severity: string; status: string; rule: string; actor: string };
const EMPTY: Filters = { severity: '', status: 'open', rule: '', actor: '' };
const CLASSES = ['true_positive', 'benign', 'false_positive'] as const;
const col = createColumnHelper<AlertRow>();

/** The alert queue. The server filters; the analyst selects rows and assigns or closes their cases. */
export default function AlertsPage() {
  const t = useT(alertStrings);
  const s = useT(shell);
  const f = useFormat();
  const client = useQueryClient();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [selection, setSelection] = useState<RowSelectionState>({});
  const [assignee, setAssignee] = useState('');
  const [classification, setClassification] = useState<(typeof CLASSES)[number]>('true_positive');
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const qs = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== '')).toString();
  const q = useQuery({
    queryKey: ['alerts', qs],
    queryFn: () => api<AlertList>(`/v1/alerts${qs ? `?${qs}` : ''}`),
  });
  const rows = useMemo(() => q.data?.alerts ?? [], [q.data]);

  const columns = useMemo(
    () => [
      col.display({
        id: 'select',
        header: ({ table }) => (
          <input
            type="checkbox"
            aria-label={t.selectAll}
            checked={table.getIsAllRowsSelected()}
            ref={(el) => void (el && (el.indeterminate = table.getIsSomeRowsSelected()))}
            onChange={table.getToggleAllRowsSelectedHandler()}
          />
        ),
        cell: ({ row }) => (
          <input
            type="checkbox"
            aria-label={fill(t.selectRow, {
              rule: row.original.rule,
              actor: row.original.actor,
              at: f.time(row.original.at),
            })}
            checked={row.getIsSelected()}
            onChange={row.getToggleSelectedHandler()}
          />
        ),
      }),
      col.accessor('at', { header: t.at, cell: (c) => <time dateTime={c.getValue()}>{f.time(c.getValue())}</time> }),
      col.accessor('actor', {
        header: t.actor,
        cell: (c) => {
          const p = entityPath(c.getValue());
          return p ? (
            <Link href={p} className="mono">
              {c.getValue()}
            </Link>
          ) : (
            <span className="mono">{c.getValue()}</span>
          );
        },
      }),
      col.accessor('rule', { header: t.rule, cell: (c) => <code>{c.getValue()}</code> }),
      col.accessor('severity', {
        header: t.severity,
        cell: (c) => <span className={`badge sev-${c.getValue()}`}>{t[c.getValue()]}</span>,
      }),
      col.accessor('score', { header: t.score, cell: (c) => c.getValue().toFixed(2) }),
      col.accessor('summary', { header: t.summary }),
      col.accessor('case', {
        header: t.case,
        cell: (c) => (
          <Link href={`/cases/${c.getValue()}`} className="mono">
            {c.getValue()}
          </Link>
        ),
      }),
      col.accessor('status', { header: t.status, cell: (c) => t[c.getValue()] }),
      col.accessor('assignee', { header: t.assignee, cell: (c) => c.getValue() ?? '—' }),
      col.accessor('classification', {
        header: t.classification,
        cell: (c) => (c.getValue() ? (t[c.getValue() as 'benign'] ?? c.getValue()) : '—'),
      }),
    ],
    [t, f],
  );
  const table = useReactTable({
    data: rows,
    columns,
    state: { rowSelection: selection },
    onRowSelectionChange: setSelection,
    getRowId: (r) => `${r.case}:${r.index}`,
    enableRowSelection: true,
    getCoreRowModel: getCoreRowModel(),
  });
  const picked = table.getSelectedRowModel().rows.map((r) => r.original);
  const caseIds = [...new Set(picked.map((r) => r.case))];

  async function bulk(body: Record<string, unknown>) {
    setMessage(null);
    const r = await api<CaseBulkResult>('/v1/cases/bulk', { method: 'POST', body: { ids: caseIds, ...body } });
    setSelection({});
    setMessage({ ok: true, text: fill(t.done, { n: r.cases.length }) });
    await client.invalidateQueries({ queryKey: ['alerts'] });
  }
  function apply(e: FormEvent) {
    e.preventDefault();
    setSelection({});
    setFilters(draft);
  }

  return (
    <>
      <h1>{t.title}</h1>
      <form className="toolbar" onSubmit={apply} aria-label={t.filters}>
        <label>
          {t.severity}
          <select
            name="severity"
            value={draft.severity}
            onChange={(e) => setDraft({ ...draft, severity: e.target.value })}
          >
            <option value="">{t.any}</option>
            <option value="high">{t.high}</option>
            <option value="medium">{t.medium}</option>
            <option value="low">{t.low}</option>
          </select>
        </label>
        <label>
          {t.status}
          <select name="status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
            <option value="">{t.any}</option>
            <option value="open">{t.open}</option>
            <option value="resolved">{t.resolved}</option>
          </select>
        </label>
        <label>
          {t.rule}
          <select name="rule" value={draft.rule} onChange={(e) => setDraft({ ...draft, rule: e.target.value })}>
            <option value="">{t.any}</option>
            {(q.data?.rules ?? []).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.actor}
          <input
            name="actor"
            value={draft.actor}
            placeholder={t.actorHelp}
            onChange={(e) => setDraft({ ...draft, actor: e.target.value.trim() })}
          />
        </label>
        <button type="submit">{t.apply}</button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setDraft(EMPTY);
            setFilters(EMPTY);
            setSelection({});
          }}
        >
          {t.clear}
        </button>
      </form>

      <QueryError q={q} />

      <section aria-labelledby="h-bulk" className="card bulk">
        <h2 id="h-bulk">{t.bulk}</h2>
        <p role="status">{fill(t.selected, { n: picked.length, m: caseIds.length })}</p>
        <div className="toolbar">
          <label>
            {t.assignTo}
            <input
              name="assignee"
              value={assignee}
              onChange={(e) => setAssignee(e.target.value.trim())}
              pattern="[A-Za-z0-9][A-Za-z0-9_\-]{0,63}"
            />
          </label>
          <Confirm
            label={t.assign}
            title={t.assign}
            disabled={caseIds.length === 0 || assignee === ''}
            onConfirm={() => bulk({ action: 'assign', assignee })}
          >
            <p>
              {fill(t.selected, { n: picked.length, m: caseIds.length })} → {assignee}
            </p>
          </Confirm>
        </div>
        <div className="toolbar">
          <label>
            {t.classify}
            <select
              name="classification"
              value={classification}
              onChange={(e) => setClassification(e.target.value as (typeof CLASSES)[number])}
            >
              {CLASSES.map((c) => (
                <option key={c} value={c}>
                  {t[c]}
                </option>
              ))}
            </select>
          </label>
          <label className="grow">
            {t.reason}
            <textarea
              name="reason"
              value={reason}
              maxLength={500}
              rows={2}
              onChange={(e) => setReason(e.target.value)}
              aria-describedby="reason-help"
            />
          </label>
          <Confirm
            label={t.close}
            title={fill(t.closeTitle, { m: caseIds.length })}
            danger
            disabled={caseIds.length === 0 || reason.trim() === ''}
            onConfirm={() => bulk({ action: 'close', classification, reason: reason.trim() }).then(() => setReason(''))}
          >
            <p>{fill(t.closeBody, { c: t[classification] })}</p>
          </Confirm>
        </div>
        <p id="reason-help" className="muted">
          {t.reasonHelp}
        </p>
        {message ? (
          <p role="status" className={message.ok ? 'ok' : 'error'}>
            {message.text}
          </p>
        ) : null}
      </section>

      {!q.data ? (
        <p role="status">{s.loading}</p>
      ) : (
        <section aria-labelledby="h-queue" data-ready="alerts" data-count={rows.length}>
          <h2 id="h-queue">{fill(t.count, { n: rows.length })}</h2>
          {rows.length === 0 ? <p>{t.none}</p> : null}
          <div className="scroll">
            <table className="queue">
              <TableHead table={table} />
              <tbody>
                {table.getRowModel().rows.map((r) => (
                  <tr key={r.id} data-case={r.original.case} data-selected={r.getIsSelected() ? '' : undefined}>
                    {r.getVisibleCells().map((c) => (
                      <td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</td>
                    ))}
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
