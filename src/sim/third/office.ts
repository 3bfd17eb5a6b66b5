import { DAY, HOUR, MIN, SEC } from './clock.ts';
import type { Ctx, Traffic } from './context.ts';
import { mobileIp } from './lastmile.ts';
import { shiftWindow, siteOf, works, type Person } from './people.ts';
import type { Desk } from './support.ts';

const RECIPIENTS = ['bi-team', 'finance', 'internal-audit', 'ops-planning', 'marketing', 'cx-quality'];
const DATASET_FIELDS: Record<string, string[]> = {
  orders: ['parcel', 'station', 'created', 'status'],
  sales: ['seller', 'day', 'orders', 'gmv'],
  customers: ['customer', 'region', 'orders', 'masked_phone'],
  reviews: ['review', 'seller', 'rating'],
};

/** The export habit of one analyst: the recipients they use and their usual size. */
export type Habit = { readonly analyst: Person; readonly recipients: string[]; readonly median: number };

/**
 * Sign-ins at shift start for everyone at work (office networks, site networks, couriers'
 * phones, now and then from home; a few mistyped passwords).
 */
export function runLogins(ctx: Ctx): void {
  const { cal, sink, roster } = ctx;
  const rng = ctx.rng.fork('logins');
  for (const p of roster.people) {
    for (let d = -1; d < cal.days; d++) {
      if (!works(cal, p, d)) continue;
      const [from, to] = shiftWindow(cal, p, d);
      let ms = from - rng.range(-5, 20) * MIN;
      const site = siteOf(p, ms);
      const ip =
        p.role === 'courier'
          ? mobileIp(rng)
          : site
            ? ctx.net.sites.get(site)!.ip
            : rng.chance(0.07)
              ? rng.chance(0.85)
                ? p.homeIp
                : mobileIp(rng)
              : rng.pick(roster.hqIps);
      if (rng.chance(0.03)) {
        sink.emit(ms, 'login', { actor: `staff:${p.id}`, result: 'failed', ip });
        ms += rng.range(10, 90) * SEC;
        if (rng.chance(0.2)) {
          sink.emit(ms, 'login', { actor: `staff:${p.id}`, result: 'failed', ip });
          ms += rng.range(10, 60) * SEC;
        }
      }
      sink.emit(ms, 'login', { actor: `staff:${p.id}`, result: 'ok', ip });
      // Office staff and agents sign in again after their break, when the session has expired.
      if (!site && rng.chance(0.3))
        sink.emit(rng.range(from + 0.45 * (to - from), from + 0.6 * (to - from)), 'login', {
          actor: `staff:${p.id}`,
          result: 'ok',
          ip,
        });
    }
  }
}

/**
 * Analysts' daily and weekly exports to their usual recipients, a service account's nightly dump
 * to the warehouse, one audit request far larger than usual, a recipient a team starts using
 * half-way, and incident break-glass followed by a ticket (and sometimes an audit export).
 */
export function runAnalysts(ctx: Ctx, traffic: Traffic, desk: Desk): Habit[] {
  const { cal, sink, roster } = ctx;
  const rng = ctx.rng.fork('analysts');
  const analysts = roster.byRole.get('analyst') ?? [];
  const habits: Habit[] = analysts.map((analyst) => ({
    analyst,
    recipients: rng.shuffle([...RECIPIENTS]).slice(0, rng.int(2, 3)),
    median: rng.logNormal(800, 0.5),
  }));
  const exp = (p: Person, ms: number, dataset: string, rows: number, recipient: string) =>
    sink.emit(ms, 'export', {
      actor: `staff:${p.id}`,
      dataset,
      rows: Math.max(1, Math.round(rows)),
      recipient,
      fields: DATASET_FIELDS[dataset],
    });
  const adoption = cal.start + rng.range(0.35, 0.65) * cal.days * DAY;
  for (const h of rng.shuffle([...habits]).slice(0, 2)) h.recipients.push('risk-ops');
  for (let d = 0; d < cal.days; d++) {
    for (const h of habits) {
      if (!works(cal, h.analyst, d)) continue;
      const usable = h.recipients.filter((r) => r !== 'risk-ops' || cal.at(d, 9) > adoption);
      for (let i = rng.int(1, 3); i > 0; i--) {
        const dataset = rng.weighted(['orders', 'sales', 'customers', 'reviews'], [5, 4, 1, 1]);
        exp(
          h.analyst,
          cal.at(d, rng.range(8.5, 11.5)),
          dataset,
          Math.min(5000, rng.logNormal(h.median, 0.5)),
          rng.pick(usable),
        );
      }
      if (cal.weekday(d) === 1) {
        const dataset = rng.pick(['customers', 'reviews']);
        exp(h.analyst, cal.at(d, rng.range(9, 12)), dataset, rng.range(1000, 4000), rng.pick(usable));
      }
    }
  }
  // The warehouse account runs at night, every night.
  sink.emit(cal.start + rng.range(0, 2) * MIN, 'staff', { id: 'svc-etl-01', role: 'analyst', team: 'data-platform' });
  for (let d = 0; d <= cal.days; d++) {
    const ms = cal.at(d, 2 + rng.range(0, 0.4));
    sink.emit(ms - rng.range(1, 3) * MIN, 'login', { actor: 'staff:svc-etl-01', result: 'ok', ip: roster.hqIps[0] });
    sink.emit(ms, 'export', {
      actor: 'staff:svc-etl-01',
      dataset: 'orders',
      rows: rng.int(100_000, 150_000),
      recipient: 'dwh',
    });
    if (cal.weekday(d) === 0)
      sink.emit(ms + rng.range(20, 40) * MIN, 'export', {
        actor: 'staff:svc-etl-01',
        dataset: 'customers',
        rows: rng.int(100_000, 150_000),
        recipient: 'dwh',
      });
  }
  if (cal.days >= 6 && habits.length > 0) {
    const h = rng.pick(habits);
    const d = rng.int(2, cal.days - 1);
    if (works(cal, h.analyst, d))
      exp(h.analyst, cal.at(d, rng.range(14, 16)), 'customers', rng.range(15_000, 30_000), 'internal-audit');
  }
  // Incidents: an analyst breaks the glass on a customer; the ticket follows, usually within the hour.
  const recent = traffic.parcels.filter((p) => p.delivered < Infinity);
  for (let i = rng.count(cal.days * 0.5); i > 0 && recent.length > 0; i--) {
    const h = rng.pick(habits);
    const d = rng.int(0, cal.days - 1);
    if (!works(cal, h.analyst, d)) continue;
    let ms = cal.at(d, rng.range(9, 16));
    for (let k = rng.int(1, 3); k > 0; k--) {
      const p = rng.pick(recent);
      sink.emit(ms, 'reveal', {
        actor: `staff:${h.analyst.id}`,
        customer: p.customer.id,
        field: rng.pick(['phone', 'address', 'name']),
        purpose: 'incident',
        result: 'break_glass',
      });
      desk.contact(p.customer, ms + (rng.chance(0.8) ? rng.range(10, 55) : rng.range(70, 160)) * MIN, p);
      ms += rng.range(2, 15) * MIN;
    }
    if (rng.chance(0.3)) exp(h.analyst, ms + rng.range(20, 90) * MIN, 'customers', rng.int(1, 40), 'internal-audit');
  }
  return habits;
}

/** Engineers and admins: a few debugging reads, and one outage with break-glass reveals inside its hours. */
export function runEngineering(ctx: Ctx, traffic: Traffic): void {
  const { cal, sink, roster } = ctx;
  const rng = ctx.rng.fork('engineering');
  const crew = [...(roster.byRole.get('engineer') ?? []), ...(roster.byRole.get('admin') ?? [])];
  const parcels = traffic.parcels;
  for (let i = rng.count(cal.days * 1.5); i > 0; i--) {
    const e = rng.pick(crew);
    const d = rng.int(0, cal.days - 1);
    if (!works(cal, e, d)) continue;
    const ms = cal.at(d, rng.range(9, 18));
    const candidates = parcels.filter((p) => p.created < ms && p.created > ms - 2 * DAY);
    if (candidates.length === 0) continue;
    sink.emit(ms, 'lookup', {
      actor: `staff:${e.id}`,
      parcel: rng.pick(candidates).id,
      result: 'ok',
      fields: ['route', 'status', 'events'],
    });
  }
  if (cal.days < 4) return;
  const from = cal.start + rng.range(1, cal.days - 1) * DAY;
  const to = from + rng.range(1, 3) * HOUR;
  const customers = parcels.filter((p) => p.created < from && p.created > from - 3 * DAY).map((p) => p.customer);
  for (const e of rng.shuffle([...crew]).slice(0, rng.int(2, 4))) {
    sink.emit(from + rng.range(2, 15) * MIN, 'login', {
      actor: `staff:${e.id}`,
      result: 'ok',
      ip: rng.chance(0.5) ? e.homeIp : roster.hqIps[1],
    });
    for (let k = rng.int(2, 5); k > 0 && customers.length > 0; k--) {
      sink.emit(rng.range(from + 15 * MIN, to), 'reveal', {
        actor: `staff:${e.id}`,
        customer: rng.pick(customers).id,
        field: rng.pick(['phone', 'address']),
        purpose: 'outage',
        result: 'break_glass',
      });
    }
  }
}
