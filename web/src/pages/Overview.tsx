import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { api } from '../api.ts';
import { fill, useFormat, useT, type Strings } from '../i18n.tsx';
import { shell } from '../strings.ts';
import { QueryError } from '../components/QueryError.tsx';
import type { Overview } from '../../../src/api/contract/index.ts';

const Chart = lazy(() => import('../Chart.tsx'));

const strings: Strings<
  | 'title'
  | 'active'
  | 'restricted'
  | 'revoked'
  | 'alerts'
  | 'reveals'
  | 'devices'
  | 'incidents'
  | 'openCases'
  | 'noIncidents'
  | 'high'
  | 'medium'
  | 'low'
  | 'allowed'
  | 'refused'
  | 'breakGlass'
  | 'total24h'
  | 'dueIn'
  | 'overdue'
  | 'met'
  | 'regulator'
  | 'individuals'
  | 'people'
  | 'state'
  | 'count'
  | 'series'
  | 'updated'
> = {
  en: {
    title: 'Overview',
    active: 'active',
    restricted: 'restricted',
    revoked: 'revoked',
    alerts: 'Alerts per hour, by severity (last 24 hours)',
    reveals: 'Reveals per hour (last 24 hours)',
    devices: 'Devices by state',
    incidents: 'Open incidents',
    openCases: 'Open cases',
    noIncidents: 'No open incident.',
    high: 'High',
    medium: 'Medium',
    low: 'Low',
    allowed: 'Allowed',
    refused: 'Refused',
    breakGlass: 'Break-glass',
    total24h: 'Total, 24 h',
    dueIn: 'due in {t}',
    overdue: 'overdue by {t}',
    met: 'met',
    regulator: 'regulator',
    individuals: 'individuals',
    people: '{n} people',
    state: 'State',
    count: 'Devices',
    series: 'Series',
    updated: 'Updated {t}',
  },
  vi: {
    title: 'Tổng quan',
    active: 'hoạt động',
    restricted: 'bị hạn chế',
    revoked: 'bị thu hồi',
    alerts: 'Cảnh báo mỗi giờ, theo mức độ (24 giờ qua)',
    reveals: 'Lượt xem dữ liệu mỗi giờ (24 giờ qua)',
    devices: 'Thiết bị theo trạng thái',
    incidents: 'Sự cố đang mở',
    openCases: 'Vụ việc đang mở',
    noIncidents: 'Không có sự cố đang mở.',
    high: 'Cao',
    medium: 'Trung bình',
    low: 'Thấp',
    allowed: 'Được phép',
    refused: 'Bị từ chối',
    breakGlass: 'Khẩn cấp',
    total24h: 'Tổng, 24 giờ',
    dueIn: 'còn {t}',
    overdue: 'quá hạn {t}',
    met: 'đã hoàn thành',
    regulator: 'cơ quan quản lý',
    individuals: 'cá nhân',
    people: '{n} người',
    state: 'Trạng thái',
    count: 'Thiết bị',
    series: 'Chuỗi',
    updated: 'Cập nhật {t}',
  },
  zh: {
    title: '概览',
    active: '正常',
    restricted: '受限',
    revoked: '已吊销',
    alerts: '每小时告警（按严重程度，最近24小时）',
    reveals: '每小时查看（最近24小时）',
    devices: '设备状态',
    incidents: '未结事件',
    openCases: '未结案件',
    noIncidents: '没有未结事件。',
    high: '高',
    medium: '中',
    low: '低',
    allowed: '已允许',
    refused: '已拒绝',
    breakGlass: '紧急访问',
    total24h: '24小时合计',
    dueIn: '剩余 {t}',
    overdue: '已逾期 {t}',
    met: '已完成',
    regulator: '监管机构',
    individuals: '个人',
    people: '{n} 人',
    state: '状态',
    count: '设备数',
    series: '数据',
    updated: '更新于 {t}',
  },
};

/** "3 h 05 min", from milliseconds. */
function span(ms: number): string {
  const m = Math.floor(Math.abs(ms) / 60_000);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  return `${d ? `${d} d ` : ''}${h} h ${String(m % 60).padStart(2, '0')} min`;
}

function Countdown({ due, now }: { due: string; now: number }) {
  const t = useT(strings);
  const left = Date.parse(due) - now;
  return (
    <span className={left < 0 ? 'late' : left < 6 * 3_600_000 ? 'soon' : ''}>
      {fill(left < 0 ? t.overdue : t.dueIn, { t: span(left) })}
    </span>
  );
}

function Totals({ caption, rows }: { caption: string; rows: [string, number][] }) {
  const t = useT(strings);
  return (
    <table className="totals">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t.series}</th>
          <th scope="col">{t.total24h}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([k, n]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{n}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default function OverviewPage() {
  const t = useT(strings);
  const s = useT(shell);
  const f = useFormat();
  const q = useQuery({
    queryKey: ['overview'],
    queryFn: () => api<Overview>('/v1/dashboard/overview'),
    refetchInterval: 5000,
  });
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const i = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(i);
  }, []);
  const o = q.data;
  const alertSeries = useMemo(
    () =>
      o
        ? [
            { label: t.high, values: o.alerts['high'] ?? [], color: '#b3261e' },
            { label: t.medium, values: o.alerts['medium'] ?? [], color: '#b26a00' },
            { label: t.low, values: o.alerts['low'] ?? [], color: '#3d6b99' },
          ]
        : [],
    [o, t],
  );
  const revealSeries = useMemo(
    () =>
      o
        ? [
            { label: t.allowed, values: o.reveals['allowed'] ?? [], color: '#2e7d32' },
            { label: t.refused, values: o.reveals['refused'] ?? [], color: '#b3261e' },
            { label: t.breakGlass, values: o.reveals['break_glass'] ?? [], color: '#6a1b9a' },
          ]
        : [],
    [o, t],
  );
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  return (
    <>
      <h1>{t.title}</h1>
      <QueryError q={q} />
      {!o ? (
        <p role="status">{s.loading}</p>
      ) : (
        <div className="grid" data-ready="overview">
          <section aria-labelledby="h-alerts" className="card wide">
            <h2 id="h-alerts">{t.alerts}</h2>
            <p>
              <Link href="/alerts">
                {t.openCases}:{' '}
                {Object.entries(o.openCases)
                  .map(([k, n]) => `${t[k as 'high'] ?? k} ${n}`)
                  .join(' · ') || '0'}
              </Link>
            </p>
            <Suspense fallback={<div className="chart" />}>
              <Chart hours={o.hours} series={alertSeries} />
            </Suspense>
            <Totals caption={t.alerts} rows={alertSeries.map((x) => [x.label, sum(x.values)])} />
          </section>
          <section aria-labelledby="h-reveals" className="card wide">
            <h2 id="h-reveals">{t.reveals}</h2>
            <Suspense fallback={<div className="chart" />}>
              <Chart hours={o.hours} series={revealSeries} />
            </Suspense>
            <Totals caption={t.reveals} rows={revealSeries.map((x) => [x.label, sum(x.values)])} />
          </section>
          <section aria-labelledby="h-devices" className="card">
            <h2 id="h-devices">{t.devices}</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t.state}</th>
                  <th scope="col">{t.count}</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(o.devices).map(([k, n]) => (
                  <tr key={k}>
                    <th scope="row">{k === 'active' || k === 'restricted' || k === 'revoked' ? t[k] : k}</th>
                    <td>{f.number(n)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section aria-labelledby="h-incidents" className="card">
            <h2 id="h-incidents">{t.incidents}</h2>
            {o.incidents.length === 0 ? <p>{t.noIncidents}</p> : null}
            <ul className="incidents">
              {o.incidents.map((i) => (
                <li key={i.id}>
                  <Link href={`/incidents/${i.id}`}>{i.title}</Link> ({fill(t.people, { n: f.number(i.subjects) })})
                  <ul>
                    {i.deadlines.map((d, k) => (
                      <li key={k}>
                        {d.jurisdiction} · {d.kind === 'regulator' ? t.regulator : t.individuals}:{' '}
                        {d.met ? t.met : <Countdown due={d.due} now={now} />}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          </section>
          <p className="muted">{fill(t.updated, { t: f.time(o.now) })}</p>
        </div>
      )}
    </>
  );
}
