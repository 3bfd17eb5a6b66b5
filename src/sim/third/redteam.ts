import { DAY, HOUR, MIN, SEC } from './clock.ts';
import type { Parcel } from './context.ts';
import { onShift, shiftWindow, siteOf, works, type Person } from './people.ts';
import {
  attackStart,
  daysFrom,
  enlist,
  nextWindow,
  parcelsCreated,
  pickPerson,
  pickScanner,
  worksAfter,
  type Stage,
  type Variant,
} from './plant.ts';
import type { Rng } from './rng.ts';

/**
 * `ticket-cover` (fabricating the explanation): a support agent files tickets, assigned to
 * themselves, on customers who never wrote in, and reveals their contact fields under those
 * tickets, copying the phone-call pattern (read, ticket, reveal, close within the hour):
 * fast, a shift's worth; low-and-slow, two to four a day.
 */
export function ticketCover(stage: Stage, rng: Rng, variant: Variant): boolean {
  const { cal, sink, ids } = stage;
  const t0 = attackStart(rng, stage, variant);
  const a = pickPerson(rng, stage, ['support'], (p) => worksAfter(stage, p, t0));
  if (!a) return false;
  const bad = enlist(stage, `staff:${a.id}`, 'ticket-cover', variant);
  // The targets: recent customers of one region (whoever is buying the list wants one city).
  const region = rng.pick(stage.net.stations).region;
  const inRegion = new Set(stage.net.stations.filter((s) => s.region === region).map((s) => s.id));
  const cover = (ms: number) => {
    const pool = parcelsCreated(stage, ms - 4 * DAY, ms, (p) => inRegion.has(p.customer.station));
    if (pool.length === 0) return;
    const p = rng.pick(pool);
    const id = ids.next('TK', 7);
    sink.emit(
      ms,
      'lookup',
      { actor: `staff:${a.id}`, customer: p.customer.id, result: 'ok', fields: ['masked_name', 'masked_phone'] },
      bad,
    );
    const opened = ms + rng.range(1, 6) * MIN;
    sink.emit(opened, 'ticket', { id, customer: p.customer.id, assignee: a.id, status: 'open' }, bad);
    let t = opened + rng.range(1, 5) * MIN;
    for (const field of rng.shuffle(['phone', 'address', 'email']).slice(0, rng.int(1, 3))) {
      sink.emit(
        t,
        'reveal',
        { actor: `staff:${a.id}`, customer: p.customer.id, field, purpose: 'ticket', ticket: id, result: 'ok' },
        bad,
      );
      t += rng.range(15, 90) * SEC;
    }
    sink.emit(
      t + rng.range(5, 40) * MIN,
      'ticket',
      { id, customer: p.customer.id, assignee: a.id, status: 'closed' },
      bad,
    );
  };
  for (const d of daysFrom(stage, t0)) {
    if (!works(cal, a, d)) continue;
    const [from, to] = shiftWindow(cal, a, d);
    const n = variant === 'fast' ? rng.int(25, 40) : rng.int(2, 4);
    for (let i = 0; i < n; i++) {
      const ms = rng.range(Math.max(from, t0), to);
      if (ms < to) cover(ms);
    }
    if (variant === 'fast' && bad.first < Infinity) break;
  }
  return true;
}

/**
 * `own-station-sweep` (staying inside the explanation): a night operator reads every parcel of
 * their own station, contact fields too, far beyond their colleagues: fast, the whole backlog
 * in one night; low-and-slow, some dozens extra every night shift.
 */
export function ownStationSweep(stage: Stage, rng: Rng, variant: Variant): boolean {
  const { cal, sink } = stage;
  const t0 = attackStart(rng, stage, variant);
  const atStation = (p: Person) => stage.net.sites.get(siteOf(p, cal.start) as string)!.kind === 'station';
  const op =
    pickPerson(
      rng,
      stage,
      ['station_operator'],
      (p) => p.shift === 'night' && atStation(p) && worksAfter(stage, p, t0),
    ) ?? pickPerson(rng, stage, ['station_operator'], (p) => atStation(p) && worksAfter(stage, p, t0));
  if (!op) return false;
  const bad = enlist(stage, `staff:${op.id}`, 'own-station-sweep', variant);
  const site = siteOf(op, cal.start) as string;
  const fields = ['route', 'name', 'phone', 'address'];
  const mine = (ms: number) => parcelsCreated(stage, ms - 3 * DAY, ms, (p: Parcel) => p.routed.includes(site));
  for (const d of daysFrom(stage, t0)) {
    if (!works(cal, op, d)) continue;
    const [from, to] = shiftWindow(cal, op, d);
    let ms = Math.max(from, t0, cal.at(d, op.shift === 'night' ? 22 : 12) + rng.range(0, 2) * HOUR);
    const pool = variant === 'fast' ? mine(ms) : rng.shuffle(mine(ms)).slice(0, rng.int(40, 90));
    for (const p of pool) {
      if (ms >= to) break;
      sink.emit(
        ms,
        'lookup',
        { actor: `staff:${op.id}`, parcel: p.id, customer: p.customer.id, result: 'ok', fields },
        bad,
      );
      ms += (variant === 'fast' ? rng.range(4, 15) : rng.range(20, 200)) * SEC;
    }
    if (variant === 'fast' && bad.first < Infinity) break;
  }
  return true;
}

/**
 * `spread-thin`: three to five scanners at different sites, compromised together, each reading
 * a few parcels of other stations: fast, all in the same small hour one night; low-and-slow, a
 * handful a day each inside working hours. Every device is its own truth entry.
 */
export function spreadThin(stage: Stage, rng: Rng, variant: Variant): boolean {
  const { cal, sink } = stage;
  const sites = new Set<string>();
  const devices = [];
  for (let i = rng.int(3, 5); i > 0; i--) {
    const d = pickScanner(rng, stage, (x) => !sites.has(x.site));
    if (!d) break;
    sites.add(d.site);
    devices.push(d);
    stage.taken.add(`device:${d.id}`);
  }
  if (devices.length === 0) return false;
  const t0 = attackStart(rng, stage, variant);
  const night = nextWindow(stage, rng, t0, 1, 3);
  for (const dev of devices) {
    const bad = enlist(stage, `device:${dev.id}`, 'spread-thin', variant);
    const foreign = (ms: number) =>
      parcelsCreated(stage, ms - 3 * DAY, ms, (p) => !p.routed.includes(dev.site) && !p.visited.has(dev.site));
    const read = (ms: number, p: Parcel) =>
      sink.emit(ms, 'lookup', { actor: `device:${dev.id}`, parcel: p.id, result: 'ok', fields: ['route'] }, bad);
    if (variant === 'fast') {
      let ms = night + rng.range(0, 10) * MIN;
      for (const p of rng.shuffle(foreign(ms)).slice(0, rng.int(20, 40))) {
        read(ms, p);
        ms += rng.range(5, 40) * SEC;
      }
    } else {
      for (const d of daysFrom(stage, t0)) {
        const pool = foreign(cal.at(d, 7));
        for (let i = rng.int(2, 6); i > 0 && pool.length > 0; i--) {
          const ms = cal.at(d, rng.range(7.5, 18.5));
          if (ms >= t0) read(ms, rng.pick(pool));
        }
      }
    }
  }
  return true;
}

/**
 * `account-takeover`: someone else signs in as a support agent from a network the agent never
 * used (after a few failed tries), outside the agent's hours, and reads and reveals customers
 * in the agent's name while the agent keeps working normally: fast, one long session;
 * low-and-slow, short evening sessions on several days.
 */
export function accountTakeover(stage: Stage, rng: Rng, variant: Variant): boolean {
  const { cal, sink } = stage;
  const victim = pickPerson(rng, stage, ['support']);
  if (!victim) return false;
  const bad = enlist(stage, `staff:${victim.id}`, 'account-takeover', variant);
  // Half the time through a foreign host, half through a local residential proxy.
  const address = () =>
    `${rng.pick(rng.chance(0.5) ? ['45.139', '185.220', '103.75', '92.118'] : ['113.185', '14.169', '42.114', '116.98'])}.${rng.int(1, 254)}.${rng.int(2, 250)}`;
  const ips = [address()];
  const session = (start: number, reads: number) => {
    if (onShift(cal, victim, start)) start += 9 * HOUR;
    let ms = start;
    const ip = rng.pick(ips);
    for (let i = rng.int(0, 4); i > 0; i--) {
      sink.emit(ms, 'login', { actor: `staff:${victim.id}`, result: 'failed', ip }, bad);
      ms += rng.range(3, 40) * SEC;
    }
    sink.emit(ms, 'login', { actor: `staff:${victim.id}`, result: 'ok', ip }, bad);
    const pool = parcelsCreated(stage, ms - 4 * DAY, ms, () => true);
    for (let i = 0; i < reads && pool.length > 0; i++) {
      ms += rng.range(20, 120) * SEC;
      const p = rng.pick(pool);
      sink.emit(
        ms,
        'lookup',
        { actor: `staff:${victim.id}`, customer: p.customer.id, result: 'ok', fields: ['masked_name', 'masked_phone'] },
        bad,
      );
      if (rng.chance(0.8)) {
        const field = rng.pick(['phone', 'address', 'email']);
        sink.emit(
          ms + rng.range(5, 40) * SEC,
          'reveal',
          { actor: `staff:${victim.id}`, customer: p.customer.id, field, purpose: 'ticket', result: 'ok' },
          bad,
        );
      }
    }
  };
  const t0 = attackStart(rng, stage, variant);
  if (variant === 'fast') session(nextWindow(stage, rng, t0, 22.5, 26), rng.int(60, 120));
  else {
    if (rng.chance(0.5)) ips.push(address());
    const evenings = daysFrom(stage, t0).filter(() => rng.chance(0.6));
    for (const d of evenings.length > 0 ? evenings : [cal.dayOf(t0)])
      session(Math.max(t0, cal.at(d, rng.range(22.5, 25))), rng.int(5, 12));
  }
  return true;
}

/**
 * `handover-claim` (fabricating the explanation): a courier uses the app's hand-over to claim
 * colleagues' parcels that are out for delivery (an assignment to themselves), reads and calls
 * the customer, and never carries the parcel, which the colleague delivers as planned.
 */
export function handoverClaim(stage: Stage, rng: Rng, variant: Variant): boolean {
  const { cal, sink } = stage;
  const t0 = attackStart(rng, stage, variant);
  const c = pickPerson(rng, stage, ['courier'], (p) => worksAfter(stage, p, t0));
  if (!c) return false;
  const bad = enlist(stage, `staff:${c.id}`, 'handover-claim', variant);
  const home = siteOf(c, cal.start) as string;
  const claim = (ms: number) => {
    const pool = parcelsCreated(
      stage,
      ms - 3 * DAY,
      ms,
      (p) =>
        p.routed.includes(home) &&
        p.arrived < ms &&
        p.delivered > ms + 20 * MIN &&
        p.couriers.length > 0 &&
        !p.couriers.includes(c),
    );
    if (pool.length === 0) return;
    const p = rng.pick(pool);
    sink.emit(ms, 'assignment', { parcel: p.id, courier: c.id }, bad);
    sink.emit(
      ms + rng.range(1, 8) * MIN,
      'lookup',
      { actor: `staff:${c.id}`, parcel: p.id, result: 'ok', fields: ['route', 'masked_name', 'address'] },
      bad,
    );
    sink.emit(
      ms + rng.range(9, 15) * MIN,
      'reveal',
      { actor: `staff:${c.id}`, customer: p.customer.id, field: 'phone', purpose: 'delivery', result: 'ok' },
      bad,
    );
  };
  for (const d of daysFrom(stage, t0)) {
    if (!works(cal, c, d)) continue;
    for (let i = variant === 'fast' ? rng.int(20, 40) : rng.int(2, 4); i > 0; i--) {
      const ms = cal.at(d, rng.pick([8.8, 13.8]) + rng.range(0, 3.5));
      if (ms >= t0) claim(ms);
    }
    if (variant === 'fast' && bad.first < Infinity) break;
  }
  return true;
}
