import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type SortingState,
} from '@tanstack/react-table';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { api } from '../api.ts';
import { useMe } from '../auth.tsx';
import { Confirm } from '../components/Confirm.tsx';
import { fill, useFormat, useT } from '../i18n.tsx';
import { shell } from '../strings.ts';
import { deviceStrings } from './devices.strings.ts';
import { QueryError } from '../components/QueryError.tsx';
import type {
  Device,
  DeviceKind,
  DeviceList,
  DeviceListed,
  DeviceStatus,
  EnrollmentCode,
  Station,
  StationList,
} from '../../../src/api/contract/index.ts';

/** Roles that change the fleet (the server checks again); analysts read it. */
const MANAGERS = ['admin', 'supervisor'];
const STATES = ['active', 'restricted', 'revoked'] as const satisfies readonly DeviceStatus[];
const col = createColumnHelper<DeviceListed>();

function StatusActions({ d, onDone }: { d: DeviceListed; onDone: () => void }) {
  const t = useT(deviceStrings);
  const set = (status: DeviceStatus) =>
    api<Device>(`/v1/devices/${encodeURIComponent(d.id)}/status`, { body: { status } }).then(onDone);
  return (
    <div className="row-actions">
      {d.status === 'active' ? (
        <Confirm
          label={t.quarantine}
          title={fill(t.quarantineTitle, { id: d.id })}
          danger
          onConfirm={() => set('restricted')}
        >
          <p>{t.quarantineBody}</p>
        </Confirm>
      ) : null}
      {d.status !== 'revoked' ? (
        <Confirm label={t.revoke} title={fill(t.revokeTitle, { id: d.id })} danger onConfirm={() => set('revoked')}>
          <p>{t.revokeBody}</p>
        </Confirm>
      ) : null}
      {d.status !== 'active' ? (
        <Confirm label={t.release} title={fill(t.releaseTitle, { id: d.id })} onConfirm={() => set('active')}>
          <p>{t.releaseBody}</p>
        </Confirm>
      ) : null}
    </div>
  );
}

function Enrollment({ stations }: { stations: Station[] }) {
  const t = useT(deviceStrings);
  const f = useFormat();
  const id = useId();
  const [station, setStation] = useState(stations[0]?.id ?? '');
  const [kind, setKind] = useState<DeviceKind>('scanner');
  const [ttl, setTtl] = useState('60');
  const m = useMutation({
    mutationFn: () =>
      api<EnrollmentCode>(`/v1/stations/${encodeURIComponent(station)}/enrollment-codes`, {
        body: { kind, ttlMinutes: Number(ttl) },
      }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate();
  };
  return (
    <section aria-labelledby={`${id}-h`} className="card">
      <h2 id={`${id}-h`}>{t.enroll}</h2>
      <p className="muted">{t.enrollHelp}</p>
      <form className="toolbar" onSubmit={submit}>
        <label>
          {t.station}
          <select value={station} onChange={(e) => setStation(e.target.value)} required>
            {stations.map((x) => (
              <option key={x.id} value={x.id}>
                {x.id} — {x.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.kind}
          <select value={kind} onChange={(e) => setKind(e.target.value as DeviceKind)}>
            <option value="scanner">{t.scanner}</option>
            <option value="courier_app">{t.courier_app}</option>
          </select>
        </label>
        <label>
          {t.ttl}
          <input type="number" min={1} max={10080} value={ttl} onChange={(e) => setTtl(e.target.value)} required />
        </label>
        <button type="submit" disabled={m.isPending || !station}>
          {t.createCode}
        </button>
      </form>
      <QueryError q={m} />
      {m.data ? (
        <div role="status" className="code-once" data-code="">
          <p>
            {t.code} ({m.data.station}, {t[m.data.kind]}): <output className="mono big">{m.data.code}</output>
          </p>
          <p className="muted">
            {t.codeOnce} {fill(t.expires, { t: f.time(m.data.expiresAt) })}
          </p>
        </div>
      ) : null}
    </section>
  );
}

export default function DevicesPage() {
  const t = useT(deviceStrings);
  const s = useT(shell);
  const f = useFormat();
  const { me } = useMe();
  const qc = useQueryClient();
  const manager = !!me && MANAGERS.includes(me.role);
  const devices = useQuery({
    queryKey: ['devices'],
    queryFn: () => api<DeviceList>('/v1/devices'),
    refetchInterval: 15_000,
  });
  const stations = useQuery({ queryKey: ['stations'], queryFn: () => api<StationList>('/v1/stations') });
  const [station, setStation] = useState('');
  const [build, setBuild] = useState('');
  const [state, setState] = useState('');
  const [sorting, setSorting] = useState<SortingState>([{ id: 'lastActivity', desc: true }]);
  const all = devices.data?.devices;
  const builds = useMemo(() => [...new Set((all ?? []).map((d) => d.build))].sort(), [all]);
  const rows = useMemo(
    () =>
      (all ?? []).filter(
        (d) =>
          (!station || d.station === station) &&
          (!state || d.status === state) &&
          (!build || (build === 'unknown' ? !d.buildKnown : d.build === build)),
      ),
    [all, station, state, build],
  );
  const refresh = () => void qc.invalidateQueries({ queryKey: ['devices'] });
  const columns = useMemo(
    () => [
      col.accessor('id', {
        header: t.device,
        cell: (c) => (
          <Link href={`/entity/device/${c.getValue()}`} className="mono">
            {c.getValue()}
          </Link>
        ),
      }),
      col.accessor('station', { header: t.station }),
      col.accessor('kind', { header: t.kind, cell: (c) => t[c.getValue()] }),
      col.accessor('build', {
        header: t.build,
        cell: (c) => (
          <>
            <code title={c.getValue()}>{c.getValue().slice(0, 12)}…</code>{' '}
            {c.row.original.buildKnown ? null : <span className="badge sev-high">{t.unknownBuild}</span>}
          </>
        ),
      }),
      col.accessor('status', {
        header: t.state,
        cell: (c) => (
          <span className={`badge state-${c.getValue()}`} data-status={c.getValue()}>
            {t[c.getValue()]}
          </span>
        ),
      }),
      col.accessor((d) => d.lastActivity ?? '', {
        id: 'lastActivity',
        header: t.lastActivity,
        cell: (c) =>
          c.row.original.lastActivity ? f.time(c.row.original.lastActivity) : <span className="muted">{t.never}</span>,
      }),
      col.accessor('enrolledAt', { header: t.enrolled, cell: (c) => f.time(c.getValue()) }),
      ...(manager
        ? [
            col.display({
              id: 'actions',
              header: t.actions,
              cell: (c) => <StatusActions d={c.row.original} onDone={refresh} />,
            }),
          ]
        : []),
    ],
    [t, f, manager],
  );
  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
  const error = devices.error ?? stations.error;
  return (
    <>
      <h1>{t.title}</h1>
      {!manager ? <p className="muted">{t.readOnly}</p> : null}
      {error ? (
        <p role="alert" className="error">
          {fill(s.error, { message: (error as Error).message })}
        </p>
      ) : null}
      {!all || !stations.data ? (
        <p role="status">{s.loading}</p>
      ) : (
        <div className="grid" data-ready="devices">
          <section aria-labelledby="h-fleet" className="card wide">
            <h2 id="h-fleet">{t.fleet}</h2>
            <form className="toolbar" aria-label={t.filters} onSubmit={(e) => e.preventDefault()}>
              <label>
                {t.station}
                <select value={station} onChange={(e) => setStation(e.target.value)} name="station">
                  <option value="">{t.any}</option>
                  {stations.data.stations.map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.id}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t.build}
                <select value={build} onChange={(e) => setBuild(e.target.value)} name="build">
                  <option value="">{t.any}</option>
                  <option value="unknown">{t.unknownBuilds}</option>
                  {builds.map((b) => (
                    <option key={b} value={b}>
                      {b.slice(0, 12)}…
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t.state}
                <select value={state} onChange={(e) => setState(e.target.value)} name="state">
                  <option value="">{t.any}</option>
                  {STATES.map((x) => (
                    <option key={x} value={x}>
                      {t[x]}
                    </option>
                  ))}
                </select>
              </label>
            </form>
            <p role="status" data-count={rows.length}>
              {fill(t.count, { n: f.number(rows.length), total: f.number(all.length) })}
            </p>
            <div className="scroll">
              <table data-table="devices">
                <caption className="sr-only">{t.fleet}</caption>
                <thead>
                  {table.getHeaderGroups().map((g) => (
                    <tr key={g.id}>
                      {g.headers.map((h) => {
                        const sorted = h.column.getIsSorted();
                        const label = flexRender(h.column.columnDef.header, h.getContext());
                        return (
                          <th
                            key={h.id}
                            scope="col"
                            aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                          >
                            {h.column.getCanSort() ? (
                              <button
                                type="button"
                                className="link"
                                onClick={h.column.getToggleSortingHandler()}
                                title={fill(t.sortBy, { col: String(h.column.columnDef.header) })}
                              >
                                {label} {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                              </button>
                            ) : (
                              label
                            )}
                          </th>
                        );
                      })}
                    </tr>
                  ))}
                </thead>
                <tbody>
                  {table.getRowModel().rows.map((r) => (
                    <tr key={r.id} data-device={r.original.id}>
                      {r.getVisibleCells().map((c) => (
                        <td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {rows.length === 0 ? <p>{t.none}</p> : null}
          </section>
          {manager ? <Enrollment stations={stations.data.stations} /> : null}
        </div>
      )}
    </>
  );
}
