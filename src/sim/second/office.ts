/** Office work: support tickets, review moderation and spam waves, analysts' exports, engineers and outages. */
import { nextCustomer, stationsOf } from './network.ts';
import { SUPPORT_TEAMS, byRole, newAddress } from './people.ts';
import { staffRead } from './ops.ts';
import { DAY, HOUR, MIN, SEC, shiftOf, works, type Parcel, type Person, type TicketRec, type World } from './model.ts';

const CONTACT = ['phone', 'phone', 'phone', 'address', 'address', 'email', 'name'];

/** A parcel created in the four days before t (w.parcels is sorted by creation time). */
export function recentParcel(w: World, t: number): Parcel | undefined {
  const lo = firstAfter(w.parcels, t - 4 * DAY);
  const hi = firstAfter(w.parcels, t);
  return hi > lo ? w.parcels[w.rng.int(lo, hi - 1)] : undefined;
}

function firstAfter(ps: Parcel[], t: number): number {
  let lo = 0;
  let hi = ps.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (ps[m]!.created < t) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** Someone of the role on shift at t (optionally in a team). */
export function onShift(w: World, people: Person[], t: number, team?: string): Person | undefined {
  const d = w.clock.dayOf(t);
  const here = people.filter((p) => works(p, d) && (!team || p.team === team) && inShift(w, p, d, t));
  return here.length > 0 ? w.rng.weighted(here, (p) => p.pace) : undefined;
}

function inShift(w: World, p: Person, d: number, t: number): boolean {
  const [a, b] = shiftOf(w, p, d);
  return t >= a && t < b;
}

export function teamOf(w: World, station: string): string {
  const teams = new Set(byRole(w, 'support').map((p) => p.team!));
  const list = SUPPORT_TEAMS.filter((t) => teams.has(t));
  return list[w.siteById.get(station)!.region % list.length]!;
}

export function reveal(
  w: World,
  p: Person,
  t: number,
  customer: string,
  field: string,
  result: string,
  purpose?: string,
  ticket?: string,
): void {
  w.sink.push(t, {
    type: 'reveal',
    actor: `staff:${p.id}`,
    customer,
    field,
    result,
    ...(purpose ? { purpose } : {}),
    ...(ticket ? { ticket } : {}),
  });
}

/** Opens a ticket and works it: reads before and after filing, reveals, reassignment, closing, call-backs. */
export function workTicket(
  w: World,
  agent: Person,
  t: number,
  customer: string,
  parcel: Parcel | undefined,
  team: string,
): TicketRec {
  const { rng, clock } = w;
  const agents = byRole(w, 'support');
  const id = `t-${w.counters.ticket++}`;
  const fresh = agent.joinDay > 0 && clock.dayOf(t) - agent.joinDay < 3;
  if (rng.chance(0.45)) {
    staffRead(w, agent, t - rng.range(1, 8) * MIN, { customer, fields: ['name', 'masked_phone', 'masked_address'] });
    if (rng.chance(0.12))
      reveal(w, agent, t - rng.range(0.3, 1) * MIN, customer, rng.pick(CONTACT), 'ok', 'ticket', id);
  }
  w.sink.push(t, { type: 'ticket', id, customer, assignee: agent.id, status: 'open' });
  if (parcel)
    staffRead(w, agent, t + rng.range(0.5, 10) * MIN, {
      parcel: parcel.id,
      customer,
      fields: ['route', 'masked_name'],
    });
  if (rng.chance(0.55)) {
    for (let k = rng.chance(0.7) ? 1 : 2; k > 0; k--) {
      const at = t + rng.range(1, 20) * MIN;
      const field = rng.pick(CONTACT);
      if (fresh && rng.chance(0.4)) {
        // a new agent tries without citing the ticket, is refused, and retries properly
        reveal(w, agent, at, customer, field, 'denied', 'ticket');
        reveal(w, agent, at + rng.range(1, 6) * MIN, customer, field, 'ok', 'ticket', id);
      } else reveal(w, agent, at, customer, field, 'ok', 'ticket', id);
    }
  }
  let owner = agent;
  if (rng.chance(0.12)) {
    const at = t + rng.range(1, 30) * HOUR;
    const other = onShift(
      w,
      agents.filter((a) => a !== agent),
      at,
      team,
    );
    if (other) {
      owner = other;
      w.sink.push(at, { type: 'ticket', id, customer, assignee: other.id, status: 'open' });
      staffRead(w, other, at + rng.range(1, 15) * MIN, { customer, fields: ['name', 'masked_phone'] });
      if (rng.chance(0.4))
        reveal(w, other, at + rng.range(5, 30) * MIN, customer, rng.pick(CONTACT), 'ok', 'ticket', id);
    }
  }
  const close = t + 10 * MIN + rng.exp(20 * HOUR);
  w.sink.push(close, { type: 'ticket', id, customer, assignee: owner.id, status: 'closed' });
  if (rng.chance(0.1)) {
    const at = close + rng.range(2 * HOUR, 4 * DAY);
    const back = onShift(w, agents, at, team);
    if (back) {
      staffRead(w, back, at, { customer, fields: ['name', 'masked_phone'] });
      if (rng.chance(0.5)) reveal(w, back, at + rng.range(1, 5) * MIN, customer, 'phone', 'ok', 'ticket', id);
    }
  }
  const rec = { id, customer, assignee: agent.id, team, open: t, close };
  w.tickets.push(rec);
  return rec;
}

export function runSupport(w: World): void {
  const { rng, clock } = w;
  const agents = byRole(w, 'support');
  const volume = stationsOf(w).reduce((a, s) => a + s.volume, 0);
  for (let d = 0; d < clock.localDays; d++) {
    const n = rng.poisson(volume * 0.03 * (clock.weekday(d) >= 5 ? 0.7 : 1));
    for (let k = 0; k < n; k++) {
      let t = clock.at(d, 8 + 12 * Math.sqrt(rng.next()) * rng.next() + rng.range(0, 1));
      const parcel = rng.chance(0.85) ? recentParcel(w, t) : undefined;
      const station = parcel?.station ?? rng.pick(stationsOf(w)).id;
      const customer = parcel?.customer ?? rng.pick(w.siteById.get(station)!.customers);
      const team = teamOf(w, station);
      let agent = onShift(w, agents, t, team) ?? onShift(w, agents, t);
      if (!agent) {
        t = clock.at(d + 1, rng.range(9, 11));
        agent = onShift(w, agents, t, team) ?? onShift(w, agents, t);
      }
      if (agent) workTicket(w, agent, t, customer, parcel, team);
    }
    // quick questions answered on the phone: reads with no ticket
    for (const a of agents) {
      if (a.joinDay <= d && d < a.leaveDay && rng.chance(0.03)) eveningFollowUp(w, a, d);
      if (!works(a, d)) continue;
      const [from, to] = shiftOf(w, a, d);
      for (let k = rng.poisson(3 * a.pace); k > 0; k--) {
        const t = rng.range(from, to);
        const p = recentParcel(w, t);
        if (p)
          staffRead(
            w,
            a,
            t,
            rng.chance(0.5)
              ? { customer: p.customer, fields: ['name', 'masked_phone'] }
              : { parcel: p.id, customer: p.customer, fields: ['route'] },
          );
      }
    }
  }
}

/** An agent signs in from home in the evening and follows up their own recent tickets. */
function eveningFollowUp(w: World, a: Person, d: number): void {
  const { rng, clock } = w;
  let t = clock.at(d, rng.range(20, 23));
  const mine = w.tickets.filter((x) => x.assignee === a.id && x.open < t && x.open > t - 3 * DAY);
  if (mine.length === 0) return;
  const ip = rng.chance(0.8) ? a.homeIp : newAddress(w);
  if (rng.chance(0.1))
    w.sink.push(t - rng.range(10, 40) * SEC, { type: 'login', actor: `staff:${a.id}`, result: 'failed', ip });
  w.sink.push(t, { type: 'login', actor: `staff:${a.id}`, result: 'ok', ip });
  for (let k = rng.int(1, 4); k > 0; k--) {
    const tk = rng.pick(mine);
    t += rng.range(1, 10) * MIN;
    staffRead(w, a, t, { customer: tk.customer, fields: ['name', 'masked_phone'] });
    if (rng.chance(0.4)) reveal(w, a, t + rng.range(20, 90) * SEC, tk.customer, 'phone', 'ok', 'ticket', tk.id);
  }
}

const RATINGS = [1, 1, 2, 3, 4, 4, 4, 5, 5, 5, 5, 5, 5];

/** Reviews from customers, moderators hiding abuse, and spam waves against one seller at a time. */
export function runReviews(w: World): void {
  const { rng, clock } = w;
  const mods = byRole(w, 'moderator');
  const n = 60 + stationsOf(w).length * 6;
  for (let i = 1; i <= n; i++) w.sellers.push(`s-${100 + i * 3 + rng.int(0, 2)}`);
  const weight = new Map(w.sellers.map((s, i) => [s, 1 / Math.pow(i + 1, 0.9)]));
  const bad = new Map(w.sellers.map((s) => [s, rng.chance(0.2) ? rng.range(0.2, 0.45) : rng.range(0.03, 0.15)]));
  const volume = stationsOf(w).reduce((a, s) => a + s.volume, 0);
  const post = (t: number, customer: string, seller: string, rating: number): string => {
    const id = `r-${w.counters.review++}`;
    w.sink.push(t, {
      type: 'review',
      id,
      customer,
      seller,
      rating,
      product: `pr-${seller.slice(2)}-${rng.int(1, 40)}`,
    });
    w.reviews.push({ id, customer, seller, rating, t });
    return id;
  };
  const moderate = (after: number, review: string, action: string, reason?: string): number | undefined => {
    for (let k = 0; k < 6; k++) {
      const t = after + rng.range(0.5, 18) * HOUR;
      const m = onShift(w, mods, t);
      if (m) {
        w.sink.push(t, { type: 'moderation', actor: `staff:${m.id}`, review, action, ...(reason ? { reason } : {}) });
        return t;
      }
    }
    return undefined;
  };
  for (let d = 0; d < clock.localDays; d++) {
    for (let k = rng.poisson(volume * 0.05); k > 0; k--) {
      const t = clock.at(d, rng.range(8, 23.5));
      const seller = rng.weighted(w.sellers, (s) => weight.get(s)!);
      const rating = rng.chance(bad.get(seller)!) ? rng.pick([1, 1, 2]) : rng.pick(RATINGS);
      const id = post(t, rng.pick(rng.pick(stationsOf(w)).customers), seller, rating);
      if (rng.chance(0.04)) {
        const done = moderate(
          t,
          id,
          rng.chance(0.6) ? 'hide' : 'delete',
          rng.pick(['abuse', 'off_topic', 'abuse', 'spam']),
        );
        if (done && rng.chance(0.1)) moderate(done, id, 'restore');
      }
    }
  }
  // spam waves: throwaway reviewers with no parcels, cleared in a burst
  for (let k = Math.max(1, Math.round(clock.days / 4)); k > 0; k--) {
    const seller = rng.weighted(w.sellers, (s) => weight.get(s)!);
    const start = clock.start + rng.next() * Math.max(HOUR, clock.end - clock.start - 8 * HOUR);
    const ids: string[] = [];
    const len = rng.range(30, 180) * MIN;
    for (let j = rng.int(25, 90); j > 0; j--)
      ids.push(post(start + rng.next() * len, nextCustomer(w), seller, rng.pick([5, 5, 5, 5, 1, 1, 4, 2, 3])));
    let t = start + len + rng.range(0.5, 5) * HOUR;
    let m = onShift(w, mods, t);
    for (let j = 0; !m && j < 24; j++) m = onShift(w, mods, (t += HOUR));
    if (!m) continue;
    for (const id of ids) {
      if (rng.chance(0.08)) continue;
      t += rng.range(4, 40) * SEC;
      w.sink.push(t, {
        type: 'moderation',
        actor: `staff:${m.id}`,
        review: id,
        action: rng.chance(0.85) ? 'delete' : 'hide',
        reason: 'spam',
      });
    }
  }
}

const RECIPIENTS = [
  'bi-team',
  'finance',
  'internal-audit',
  'ops-planning',
  'marketing',
  'cx-insights',
  'logistics-kpi',
];
const DATASETS = ['orders', 'sales', 'customers', 'reviews'];
const DATASET_FIELDS: Record<string, string[]> = {
  orders: ['parcel', 'customer', 'station', 'status', 'created'],
  sales: ['seller', 'product', 'amount', 'date'],
  customers: ['customer', 'masked_name', 'city', 'orders_count'],
  reviews: ['review', 'seller', 'rating', 'date'],
};

/** The recipients and datasets an analyst habitually uses (recipients shared with colleagues). */
export function habitOf(w: World, a: Person): { recipients: string[]; datasets: string[]; rows: number } {
  const h = a.id.split('').reduce((x, c) => x * 31 + c.charCodeAt(0), 0) >>> 0;
  const recipients = [RECIPIENTS[h % 3]!, RECIPIENTS[3 + (h % 4)]!];
  if (a.team === 'finance-analytics') recipients.push('finance');
  const datasets = [DATASETS[h % 4]!, DATASETS[(h >> 3) % 4]!];
  return { recipients: [...new Set(recipients)], datasets: [...new Set(datasets)], rows: 300 + (h % 2200) };
}

export function exportEvent(actor: string, dataset: string, rows: number, recipient: string): Record<string, unknown> {
  return { type: 'export', actor, dataset, rows, recipient, fields: DATASET_FIELDS[dataset] ?? ['customer'] };
}

export function runAnalysts(w: World): void {
  const { rng, clock } = w;
  const analysts = byRole(w, 'analyst');
  const agents = byRole(w, 'support');
  for (let d = 0; d < clock.localDays; d++) {
    w.sink.push(
      clock.at(d, 1.5) + rng.range(0, 20 * MIN),
      exportEvent('staff:svc-dwh', 'orders', rng.int(100_000, 150_000), 'dwh'),
    );
    for (const a of analysts) {
      if (!works(a, d)) continue;
      const habit = habitOf(w, a);
      const [from, to] = shiftOf(w, a, d);
      const weekly = clock.weekday(d) === 0 ? 1 : 0;
      for (let k = rng.poisson(1.2 * a.pace) + weekly; k > 0; k--) {
        const rows = Math.round(habit.rows * rng.spread(0.4) * (k === 1 && weekly ? 3 : 1));
        w.sink.push(
          rng.range(from, to),
          exportEvent(`staff:${a.id}`, rng.pick(habit.datasets), rows, rng.pick(habit.recipients)),
        );
      }
      if (rng.chance(0.5)) {
        const p = recentParcel(w, from + HOUR);
        if (p) staffRead(w, a, rng.range(from, to), { customer: p.customer, fields: ['city', 'orders_count'] });
      }
    }
  }
  // incidents: break-glass first, the ticket follows within the hour
  for (let k = Math.max(1, rng.poisson(clock.days / 5)); k > 0; k--) {
    const t = clock.at(rng.int(0, clock.localDays - 1), rng.range(9, 17));
    const a = onShift(w, analysts, t);
    if (!a) continue;
    const customers: string[] = [];
    for (let j = rng.int(1, 4); j > 0; j--) {
      const p = recentParcel(w, t);
      if (!p) continue;
      customers.push(p.customer);
      reveal(
        w,
        a,
        t + j * rng.range(1, 6) * MIN,
        p.customer,
        rng.pick(['phone', 'address', 'email']),
        'break_glass',
        'incident',
      );
      const at = t + rng.range(5, 55) * MIN;
      const agent = onShift(w, agents, at) ?? onShift(w, agents, clock.at(clock.dayOf(at) + 1, 10));
      if (!agent) continue;
      workTicket(w, agent, at, p.customer, p, agent.team!);
    }
    if (customers.length > 0 && rng.chance(0.45))
      w.sink.push(
        t + rng.range(1, 3) * HOUR,
        exportEvent(`staff:${a.id}`, 'customers', customers.length, 'internal-audit'),
      );
  }
}

/** Engineers and admins: a few debugging reads; during an outage, break-glass within its hours. */
export function runEngineers(w: World): void {
  const { rng, clock } = w;
  const tech = [...byRole(w, 'engineer'), ...byRole(w, 'admin')];
  for (let d = 0; d < clock.localDays; d++) {
    for (const e of tech) {
      if (!works(e, d)) continue;
      const [from, to] = shiftOf(w, e, d);
      for (let k = rng.poisson(1.2); k > 0; k--) {
        const t = rng.range(from, to);
        const p = recentParcel(w, t);
        if (p)
          staffRead(
            w,
            e,
            t,
            rng.chance(0.7) ? { parcel: p.id, fields: ['route'] } : { customer: p.customer, fields: ['masked_name'] },
          );
      }
    }
  }
  const outages = clock.days >= 4 ? 1 + (clock.days >= 10 ? 1 : 0) : 0;
  for (let k = 0; k < outages; k++) {
    const d = rng.int(1, clock.localDays - 1);
    const start = clock.at(d, rng.range(9, 16));
    const end = start + rng.range(1, 3) * HOUR;
    const crew = rng.sample(
      tech.filter((e) => works(e, d)),
      rng.int(2, 3),
    );
    for (const e of crew) {
      for (let j = rng.int(1, 4); j > 0; j--) {
        const t = rng.range(start, end);
        const p = recentParcel(w, t);
        if (p) reveal(w, e, t, p.customer, rng.pick(['phone', 'address']), 'break_glass', 'outage');
      }
      for (let j = rng.int(3, 10); j > 0; j--) {
        const t = rng.range(start, end);
        const p = recentParcel(w, t);
        if (p) staffRead(w, e, t, { parcel: p.id, fields: ['route', 'masked_name'] });
      }
    }
  }
}
