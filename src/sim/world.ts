import type { CloakEvent } from '../bus/events.ts';
import { rng } from '../lib/people.ts';

/*
 * The world simulator: a logistics network and marketplace that produces events in the
 * replay contract's shapes, with attacks planted and recorded apart (the ground truth).
 * Everything benign is as busy and as odd as real life, on purpose: a day and night rhythm,
 * a peak day, night-shift stations, a fleet-wide build roll-out, busy support agents, a
 * moderator clearing a spammer, new employees, analysts' monthly exports, a rare legitimate
 * break-glass, mistyped tracking numbers. Detection must tell these from the attacks using
 * only the events.
 */

/** The world generators `cloak evaluate` can score against (sim/evaluate.ts). */
export const GENERATORS = ['first', 'second', 'third'] as const;
export type Generator = (typeof GENERATORS)[number];
export const ATTACK_FAMILIES = [
  'harvesting-scanner',
  'harvesting-courier',
  'review-broker',
  'data-seller',
  'break-glass-abuse',
] as const;
export type AttackFamily = (typeof ATTACK_FAMILIES)[number];
export type Truth = {
  readonly actor: string;
  readonly family: AttackFamily;
  readonly start: string;
  readonly variant: 'fast' | 'low-and-slow';
};
export type WorldOptions = {
  readonly days: number;
  readonly stations: number;
  readonly seed: number;
  /** Which attack families to plant (default: all), one attacker each. */
  readonly attacks?: readonly AttackFamily[];
  /** Parcels a delivery station receives on an ordinary day (default 250). */
  readonly parcelsPerStation?: number;
  /** Midnight (UTC) of the first day (default 2026-03-02). */
  readonly start?: string;
};
export type World = { readonly events: CloakEvent[]; readonly truth: Truth[] };

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Share of the day's parcels created in each hour (UTC+7 shifted: office hours dominate). */
const HOURLY = [
  0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 2, 3, 3.5, 3.5, 3, 2.5, 3, 3.5, 3.5, 3, 2.5, 2, 1.5, 1.2, 0.8, 0.5, 0.3,
];

/**
 * Simulates a world. The same options always give the same world.
 * @example const { events, truth } = simulateWorld({ days: 3, stations: 6, seed: 1 });
 */
export function simulateWorld(opts: WorldOptions): World {
  const r = rng(opts.seed * 7919 + 17);
  const uni = (a: number, b: number) => a + r() * (b - a);
  const int = (a: number, b: number) => Math.floor(uni(a, b + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const t0 = Date.parse(opts.start ?? '2026-03-02T00:00:00Z');
  const end = t0 + opts.days * DAY;
  const events: CloakEvent[] = [];
  const at = (t: number) => new Date(Math.round(t)).toISOString();
  const emit = (t: number, e: Record<string, unknown>) => {
    if (t < end) events.push({ ...e, at: at(t) } as unknown as CloakEvent);
  };
  const truth: Truth[] = [];
  const perStation = opts.parcelsPerStation ?? 250;

  // --- People and devices -------------------------------------------------------------
  const hubs = ['hub-n', 'hub-s'];
  const stations = Array.from({ length: opts.stations }, (_, i) => `st-${String(i + 1).padStart(2, '0')}`);
  const nightShift = new Set(stations.filter(() => r() < 0.25));
  const scanners = new Map<string, string[]>();
  const couriers = new Map<string, string[]>();
  const courierApp = new Map<string, string>();
  const build0 = `b-${(opts.seed * 31 + 7).toString(16)}a0`;
  const build1 = `b-${(opts.seed * 31 + 7).toString(16)}b1`;
  for (const s of [...hubs, ...stations]) {
    const sc = Array.from({ length: hubs.includes(s) ? 6 : int(2, 4) }, (_, i) => `sc-${s}-${i + 1}`);
    scanners.set(s, sc);
    for (const d of sc)
      emit(t0 - DAY + r() * HOUR, { type: 'device', id: d, station: s, build: build0, kind: 'scanner' });
    if (!hubs.includes(s)) {
      const cs = Array.from({ length: int(3, 6) }, (_, i) => `c-${s}-${i + 1}`);
      couriers.set(s, cs);
      for (const c of cs) {
        emit(t0 - DAY + r() * HOUR, { type: 'staff', id: c, role: 'courier', station: s });
        const app = `ca-${c}`;
        courierApp.set(c, app);
        emit(t0 - DAY + r() * HOUR, { type: 'device', id: app, station: s, build: build0, kind: 'courier_app' });
      }
    }
  }
  const agents = Array.from({ length: Math.max(6, opts.stations) }, (_, i) => `u-s${i + 1}`);
  const moderators = ['u-m1', 'u-m2', 'u-m3'];
  const analysts = ['u-a1', 'u-a2'];
  for (const a of agents) emit(t0 - DAY, { type: 'staff', id: a, role: 'support', team: 'care' });
  for (const m of moderators) emit(t0 - DAY, { type: 'staff', id: m, role: 'moderator', team: 'trust' });
  for (const a of analysts) emit(t0 - DAY, { type: 'staff', id: a, role: 'analyst', team: 'bi' });
  // New employees start mid-world and do ordinary, explained work from their first hour.
  const newcomers = [`u-s${agents.length + 1}`, `u-s${agents.length + 2}`];
  const joins = new Map(newcomers.map((n) => [n, t0 + Math.floor(opts.days / 2) * DAY + 8 * HOUR]));
  for (const n of newcomers) emit(joins.get(n)!, { type: 'staff', id: n, role: 'support', team: 'care' });
  const busy = new Set(agents.slice(0, 2));
  const sellers = Array.from({ length: 30 }, (_, i) => `s-${i + 1}`);
  const customers = Array.from({ length: opts.stations * perStation * 2 }, (_, i) => `cu-${i + 1}`);

  // A fleet-wide build roll-out: every scanner reports the new build within a few hours.
  const rollout = t0 + int(1, Math.max(1, opts.days - 1)) * DAY + 10 * HOUR;
  for (const [s, sc] of scanners)
    for (const d of sc)
      emit(rollout + r() * 5 * HOUR, { type: 'device', id: d, station: s, build: build1, kind: 'scanner' });

  // --- Parcels -------------------------------------------------------------------------
  type Parcel = {
    id: string;
    customer: string;
    dest: string;
    created: number;
    assigned?: { courier: string; at: number };
    scanned: Map<string, number>;
  };
  const parcels: Parcel[] = [];
  const peakDay = int(0, opts.days - 1);
  let pn = 0;
  const scan = (p: Parcel, device: string, station: string, step: string, t: number) => {
    emit(t, { type: 'scan', device, parcel: p.id, station, step });
    p.scanned.set(device, t);
    // The station software reads the parcel's routing for the scan.
    emit(t + uni(0, 40_000), {
      type: 'lookup',
      actor: `device:${device}`,
      result: 'ok',
      parcel: p.id,
      fields: ['route'],
    });
  };
  for (let day = 0; day < opts.days; day++) {
    for (const st of stations) {
      const n = Math.round(perStation * (day === peakDay ? 2.5 : 1) * uni(0.8, 1.2));
      const hourly = nightShift.has(st) ? HOURLY.map((_, h) => HOURLY[(h + 12) % 24]!) : HOURLY;
      const total = hourly.reduce((a, b) => a + b, 0);
      for (let k = 0; k < n; k++) {
        let x = r() * total;
        let h = 0;
        while (x > hourly[h]! && h < 23) x -= hourly[h++]!;
        const created = t0 + day * DAY + h * HOUR + r() * HOUR;
        const p: Parcel = {
          id: `p-${(++pn).toString().padStart(7, '0')}`,
          customer: pick(customers),
          dest: st,
          created,
          scanned: new Map(),
        };
        parcels.push(p);
        const hub = pick(hubs);
        emit(created, {
          type: 'parcel',
          parcel: p.id,
          customer: p.customer,
          station: st,
          origin: hub,
          destination: st,
        });
        let t = created + uni(10, 120) * MIN;
        scan(p, pick(scanners.get(hub)!), hub, 'inbound', t);
        scan(p, pick(scanners.get(hub)!), hub, 'sort', (t += uni(5, 60) * MIN));
        scan(p, pick(scanners.get(hub)!), hub, 'outbound', (t += uni(10, 90) * MIN));
        const dest = scanners.get(st)!;
        // Some are looked up at the destination before they arrive (the inbound manifest).
        if (r() < 0.1)
          emit(t + uni(10, 100) * MIN, {
            type: 'lookup',
            actor: `device:${pick(dest)}`,
            result: 'ok',
            parcel: p.id,
            fields: ['route'],
          });
        scan(p, pick(dest), st, 'inbound', (t += uni(120, 600) * MIN));
        const courier = pick(couriers.get(st)!);
        const assignedAt = t + uni(10, 180) * MIN;
        p.assigned = { courier, at: assignedAt };
        emit(assignedAt, { type: 'assignment', parcel: p.id, courier });
        scan(p, pick(dest), st, 'outbound', assignedAt + uni(5, 40) * MIN);
        // The courier reads the delivery address (allowed: assigned), once or twice.
        const lookups = r() < 0.3 ? 2 : 1;
        for (let i = 0; i < lookups; i++)
          emit(assignedAt + uni(10, 240) * MIN, {
            type: 'lookup',
            actor: `staff:${courier}`,
            result: 'ok',
            parcel: p.id,
            customer: p.customer,
            fields: ['name', 'address'],
          });
        const delivered = assignedAt + uni(60, 420) * MIN;
        emit(delivered, {
          type: 'scan',
          device: courierApp.get(courier)!,
          parcel: p.id,
          station: st,
          step: 'delivered',
        });
        p.scanned.set(courierApp.get(courier)!, delivered);
      }
    }
  }
  // Mistyped tracking numbers: a rare lookup of a parcel that does not exist.
  for (const sc of scanners.values())
    for (const d of sc)
      for (let t = t0 + uni(0, 3) * DAY; t < end; t += uni(2, 5) * DAY)
        emit(t, { type: 'lookup', actor: `device:${d}`, result: 'denied', parcel: `p-9${int(100000, 999999)}` });

  // --- Support: tickets, explained reveals and lookups --------------------------------
  let tn = 0;
  const staffOnDuty = (t: number) => [...agents, ...newcomers.filter((n) => joins.get(n)! <= t)];
  for (const p of parcels) {
    if (r() > 0.04) continue;
    const t = p.created + uni(2, 48) * HOUR;
    const pool = staffOnDuty(t);
    const agent = r() < 0.35 ? pick([...busy]) : pick(pool);
    const id = `T-${++tn}`;
    emit(t, { type: 'ticket', id, customer: p.customer, assignee: agent, status: 'open' });
    const close = t + uni(30, 600) * MIN;
    emit(t + uni(1, 20) * MIN, {
      type: 'lookup',
      actor: `staff:${agent}`,
      result: 'ok',
      customer: p.customer,
      fields: ['name', 'phone'],
    });
    for (let i = int(1, 3); i > 0; i--)
      emit(t + uni(1, (close - t) / MIN - 1) * MIN, {
        type: 'reveal',
        actor: `staff:${agent}`,
        customer: p.customer,
        field: pick(['phone', 'email']),
        result: 'ok',
        purpose: 'ticket_followup',
        ticket: id,
      });
    emit(close, { type: 'ticket', id, customer: p.customer, assignee: agent, status: 'closed' });
  }

  // --- Reviews and moderation ----------------------------------------------------------
  type Review = { id: string; customer: string; seller: string; rating: number; at: number };
  const reviews: Review[] = [];
  let rn = 0;
  for (const p of parcels) {
    if (r() > 0.06) continue;
    const rating = r() < 0.3 ? int(1, 2) : int(3, 5);
    const rv: Review = {
      id: `rv-${++rn}`,
      customer: p.customer,
      seller: pick(sellers),
      rating,
      at: p.created + uni(1, 3) * DAY,
    };
    reviews.push(rv);
    emit(rv.at, {
      type: 'review',
      id: rv.id,
      customer: rv.customer,
      seller: rv.seller,
      rating,
      product: `pr-${int(1, 500)}`,
    });
    if (r() < 0.03)
      emit(rv.at + uni(1, 48) * HOUR, {
        type: 'moderation',
        actor: `staff:${pick(moderators)}`,
        review: rv.id,
        action: pick(['delete', 'hide']),
        reason: 'abusive',
      });
  }
  // A spammer posts a burst of reviews across sellers; a moderator clears them all.
  const spamAt = t0 + uni(0.5, opts.days - 0.5) * DAY;
  const spammer = pick(customers);
  const mod = pick(moderators);
  for (let i = 0; i < int(8, 20); i++) {
    const rv: Review = {
      id: `rv-${++rn}`,
      customer: spammer,
      seller: pick(sellers),
      rating: pick([1, 5]),
      at: spamAt + i * uni(1, 4) * MIN,
    };
    reviews.push(rv);
    emit(rv.at, { type: 'review', id: rv.id, customer: rv.customer, seller: rv.seller, rating: rv.rating });
    emit(spamAt + uni(2, 4) * HOUR + i * MIN, {
      type: 'moderation',
      actor: `staff:${mod}`,
      review: rv.id,
      action: 'delete',
      reason: 'spam',
    });
  }

  // --- Analysts: exports and a rare legitimate break-glass ----------------------------
  for (const a of analysts) {
    // Daily reports, and a bigger one at the end of the week.
    for (let d = 0; d < opts.days; d++) {
      for (let k = int(1, 2); k > 0; k--)
        emit(t0 + d * DAY + uni(1, 11) * HOUR, {
          type: 'export',
          actor: `staff:${a}`,
          dataset: 'sales',
          rows: int(2000, 25000) * (d % 7 === 6 ? 2 : 1),
          recipient: pick(['finance-team', 'bi-warehouse']),
          fields: ['tracking', 'status'],
        });
    }
    if (r() < 0.7)
      emit(t0 + uni(0.3, opts.days) * DAY, {
        type: 'reveal',
        actor: `staff:${a}`,
        customer: pick(customers),
        field: 'phone',
        result: 'break_glass',
        purpose: 'fraud_check',
      });
  }
  for (const n of newcomers) {
    // A new analyst-like report from a newcomer on the team's usual recipient.
    if (r() < 0.5)
      emit(joins.get(n)! + uni(2, 30) * HOUR, {
        type: 'export',
        actor: `staff:${n}`,
        dataset: 'sales',
        rows: int(500, 5000),
        recipient: 'finance-team',
      });
  }

  // --- Attacks -----------------------------------------------------------------------
  const families = opts.attacks ?? ATTACK_FAMILIES;
  // Attackers start once they are established: from the second day, to a day before the end
  // (in a world of a day or two: from 40% of it, leaving them time to act).
  const first = Math.min(1, opts.days * 0.4);
  const attackStart = () => t0 + uni(first, Math.max(first + 0.1, opts.days - 1)) * DAY;
  const variant = (): Truth['variant'] => (r() < 0.25 ? 'low-and-slow' : 'fast');
  const existing = (t: number) => parcels.filter((p) => p.created < t);
  for (const family of families) {
    const start = attackStart();
    const v = variant();
    if (family === 'harvesting-scanner') {
      const st = pick(stations);
      const dev = pick(scanners.get(st)!);
      if (r() < 0.5)
        emit(start - uni(5, 60) * MIN, {
          type: 'device',
          id: dev,
          station: st,
          build: `b-${int(1e6, 9e6).toString(16)}ff`,
          kind: 'scanner',
        });
      const perHour = v === 'fast' ? uni(20, 150) : uni(3, 6);
      const seen = existing(start);
      let first = true;
      for (let t = start; t < end; t += (HOUR / perHour) * uni(0.5, 1.5)) {
        const p = pick(seen);
        if (p.scanned.has(dev)) continue;
        if (first) truth.push({ actor: `device:${dev}`, family, start: at(t), variant: v });
        first = false;
        emit(t, {
          type: 'lookup',
          actor: `device:${dev}`,
          result: r() < 0.8 ? 'denied' : 'ok',
          parcel: p.id,
          fields: ['name', 'phone'],
        });
      }
    } else if (family === 'harvesting-courier') {
      const st = pick(stations);
      const c = pick(couriers.get(st)!);
      const perHour = v === 'fast' ? uni(10, 60) : uni(3, 5);
      const seen = existing(start);
      let first = true;
      for (let t = start; t < end; t += (HOUR / perHour) * uni(0.5, 1.5)) {
        const p = pick(seen);
        if (p.assigned?.courier === c) continue;
        if (first) truth.push({ actor: `staff:${c}`, family, start: at(t), variant: v });
        first = false;
        emit(t, {
          type: 'lookup',
          actor: `staff:${c}`,
          result: r() < 0.7 ? 'denied' : 'ok',
          parcel: p.id,
          customer: p.customer,
          fields: ['name', 'phone', 'address'],
        });
      }
    } else if (family === 'review-broker') {
      const broker = r() < 0.5 ? pick(agents) : pick(moderators);
      const bySeller = new Map<string, Review[]>();
      for (const rv of reviews)
        if (rv.rating <= 2 && rv.customer !== spammer && rv.at < end)
          (bySeller.get(rv.seller) ?? bySeller.set(rv.seller, []).get(rv.seller)!).push(rv);
      const all = [...bySeller.values()].sort((a, b) => b.length - a.length)[0] ?? [];
      if (all.length < 3) continue;
      all.sort((a, b) => a.at - b.at);
      const gap = v === 'fast' ? uni(3, 20) * MIN : uni(1, 4) * HOUR;
      // The broker works once the seller has collected some negative reviews, on those.
      let t = Math.max(start, all[2]!.at + HOUR);
      if (t >= end - 2 * HOUR) continue;
      const targets = all.filter((rv) => rv.at < t);
      truth.push({ actor: `staff:${broker}`, family, start: at(t), variant: v });
      for (const rv of targets.slice(0, int(3, 8))) {
        emit(t, {
          type: 'reveal',
          actor: `staff:${broker}`,
          customer: rv.customer,
          field: 'email',
          result: r() < 0.6 ? 'denied' : 'break_glass',
          purpose: 'review_check',
        });
        t += gap;
        emit(t, { type: 'moderation', actor: `staff:${broker}`, review: rv.id, action: 'delete', reason: 'off_topic' });
        t += gap;
      }
    } else if (family === 'data-seller') {
      const seller = r() < 0.5 ? pick(agents) : pick(analysts);
      const recipient = `ext-${int(100, 999)}`;
      truth.push({ actor: `staff:${seller}`, family, start: at(start), variant: v });
      if (v === 'fast')
        emit(start, {
          type: 'export',
          actor: `staff:${seller}`,
          dataset: pick(['customers', 'sales']),
          rows: int(60000, 400000),
          recipient,
        });
      // Low and slow: ordinary-sized exports of customer data, now and then.
      else
        for (let i = 0, t = start; i < int(2, 4); i++, t += uni(6, 30) * HOUR)
          emit(t, {
            type: 'export',
            actor: `staff:${seller}`,
            dataset: 'customers',
            rows: int(1000, 6000),
            recipient,
            fields: ['name', 'email'],
          });
    } else if (family === 'break-glass-abuse') {
      const who = r() < 0.5 ? pick(agents) : pick(analysts);
      const perHour = v === 'fast' ? uni(4, 20) : uni(1, 2);
      truth.push({ actor: `staff:${who}`, family, start: at(start), variant: v });
      for (let t = start; t < end; t += (HOUR / perHour) * uni(0.5, 1.5))
        emit(t, {
          type: 'reveal',
          actor: `staff:${who}`,
          customer: pick(customers),
          field: pick(['phone', 'email', 'address']),
          result: 'break_glass',
          purpose: 'fraud_check',
        });
    }
  }
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { events, truth };
}
