/**
 * Red-team families, designed against an auditor that calls an access legitimate when some record
 * links the person to what they touched (a scan, a routing, an assignment, a ticket, a shared station).
 */
import { stationsOf } from './network.ts';
import { newAddress } from './people.ts';
import { foreignParcels, steadyDevice } from './attacks.ts';
import { DAY, MIN, SEC, dayKey, shiftOf, works, type Parcel, type World } from './model.ts';
import type { Planter, Variant } from './plant.ts';

/**
 * ticket-cover: a support agent files tickets on customers who never wrote in, assigned to
 * themselves, and reveals under them; every reveal cites a ticket the agent owns.
 */
export function ticketCover(w: World, pl: Planter, v: Variant): void {
  const { rng, clock } = w;
  const start = pl.startTime(v);
  const agent = pl.person(['support'], start);
  if (!agent) return;
  const actor = `staff:${agent.id}`;
  const fam = 'ticket-cover';
  const cover = (t: number): void => {
    const s = rng.pick(stationsOf(w));
    const customer = rng.pick(s.customers);
    const id = `t-${w.counters.ticket++}`;
    pl.emit(actor, fam, v, t, { type: 'ticket', id, customer, assignee: agent.id, status: 'open' });
    pl.emit(actor, fam, v, t + rng.range(0.5, 3) * MIN, {
      type: 'lookup',
      actor,
      customer,
      fields: ['name', 'masked_phone', 'masked_address'],
      result: 'ok',
    });
    let at = t + rng.range(1, 6) * MIN;
    for (const field of rng.sample(['phone', 'address', 'email'], rng.int(1, 3))) {
      pl.emit(actor, fam, v, at, {
        type: 'reveal',
        actor,
        customer,
        field,
        result: 'ok',
        purpose: 'ticket',
        ticket: id,
      });
      at += rng.range(10, 90) * SEC;
    }
    w.sink.push(at + rng.range(5, 60) * MIN, { type: 'ticket', id, customer, assignee: agent.id, status: 'closed' });
    w.tickets.push({ id, customer, assignee: agent.id, team: agent.team!, open: t, close: at });
  };
  const days = pl.workDays(agent, clock.dayOf(start));
  if (v === 'fast') {
    const shift = pl.nextShift(agent, start);
    if (!shift) return;
    for (let k = rng.int(25, 50); k > 0; k--) cover(rng.range(shift[0], shift[1] - 10 * MIN));
    return;
  }
  for (const d of days) {
    const [from, to] = shiftOf(w, agent, d);
    for (let k = rng.int(2, 4); k > 0; k--) {
      const t = rng.range(from, to - 10 * MIN);
      if (t >= start) cover(t);
    }
  }
}

/**
 * own-station-sweep: a station operator reads every parcel of their own station, contact
 * fields too, far beyond their peers, mostly late in the evening: every read is "their station".
 */
export function ownStationSweep(w: World, pl: Planter, v: Variant): void {
  const { rng, clock } = w;
  const start = pl.startTime(v);
  const op = pl.person(['station_operator'], start, (p) => w.siteById.get(p.siteByDay[0] ?? '')?.kind === 'station');
  if (!op) return;
  const actor = `staff:${op.id}`;
  const fam = 'own-station-sweep';
  const station = op.siteByDay[0]!;
  const read = (t: number, p: Parcel): void => {
    pl.emit(actor, fam, v, t, {
      type: 'lookup',
      actor,
      parcel: p.id,
      customer: p.customer,
      fields: ['route', 'name', 'phone', 'address'],
      result: 'ok',
    });
    if (rng.chance(0.25))
      pl.emit(actor, fam, v, t + rng.range(3, 30) * SEC, {
        type: 'reveal',
        actor,
        customer: p.customer,
        field: 'phone',
        result: 'ok',
        purpose: 'delivery',
      });
  };
  const own = (d: number): Parcel[] => {
    const seen = new Set<Parcel>();
    for (let k = d - 2; k <= d; k++)
      for (const p of w.stationDay.get(dayKey(station, k)) ?? []) if (p.station === station) seen.add(p);
    return [...seen];
  };
  if (v === 'fast') {
    const d = clock.dayOf(start);
    let t = Math.max(start, clock.at(d, rng.range(19.5, 22)));
    for (const p of rng.shuffle(own(d))) if (p.created < t) read((t += rng.range(2, 20) * SEC), p);
    return;
  }
  for (const d of pl.workDays(op, clock.dayOf(start))) {
    const ps = own(d);
    if (ps.length === 0) continue;
    for (let k = rng.int(20, 50); k > 0; k--) {
      const p = rng.pick(ps);
      const t = rng.chance(0.6) ? clock.at(d, rng.range(7.5, 18.8)) : clock.at(d, rng.range(19, 23));
      if (t >= start && t > p.created) read(t, p);
    }
  }
}

/**
 * spread-thin: a handful of scanners at different stations, compromised through the old build
 * some laggards still run, each reading a few parcels of one far-away station a day.
 */
export function spreadThin(w: World, pl: Planter, v: Variant): void {
  const { rng, clock } = w;
  const start = pl.startTime(v);
  const target = rng.pick(stationsOf(w));
  const fam = 'spread-thin';
  const oldest = new Map<string, number>();
  for (const d of w.devices)
    if (d.kind === 'scanner') oldest.set(d.builds[0]!.build, (oldest.get(d.builds[0]!.build) ?? 0) + 1);
  const rare = [...oldest.entries()].sort((a, b) => a[1] - b[1])[0]?.[0];
  const used = new Set<string>();
  const crew = [];
  for (let k = rng.int(3, 5); k > 0; k--) {
    const pickOld = rng.chance(0.6);
    const dev =
      steadyDevice(w, pl, start, (d) => {
        const s = w.siteById.get(d.site)!;
        return (
          s.kind === 'station' &&
          s.region !== target.region &&
          !used.has(s.id) &&
          (!pickOld || d.builds[0]!.build === rare)
        );
      }) ??
      steadyDevice(
        w,
        pl,
        start,
        (d) => w.siteById.get(d.site)!.kind === 'station' && d.site !== target.id && !used.has(d.site),
      );
    if (!dev) break;
    used.add(dev.site);
    crew.push(dev);
  }
  const notMine =
    (site: string) =>
    (p: Parcel): boolean =>
      p.station === target.id && p.first !== site && p.station !== site;
  for (const dev of crew) {
    const actor = `device:${dev.id}`;
    const d0 = clock.dayOf(start) + (v === 'fast' ? 0 : rng.int(0, 1));
    const d1 = v === 'fast' ? d0 + 2 : clock.localDays;
    for (let d = d0; d < d1; d++) {
      const n = v === 'fast' ? rng.int(20, 50) : rng.int(2, 6);
      for (const p of foreignParcels(w, clock.at(d, 12), notMine(dev.site), n * 3).slice(0, n)) {
        const t = rng.chance(0.6) ? clock.at(d, rng.range(7, 19)) : clock.at(d, rng.range(19, 30));
        if (t >= start && t > p.created)
          pl.emit(actor, fam, v, t, {
            type: 'lookup',
            actor,
            parcel: p.id,
            fields: ['route', 'masked_name'],
            result: 'ok',
          });
      }
    }
  }
}

/**
 * account-takeover: someone signs in as an ordinary support agent from a network the agent never
 * used, outside their hours, and reads the customers of the team's open tickets in the agent's name,
 * citing those tickets.
 */
export function accountTakeover(w: World, pl: Planter, v: Variant): void {
  const { rng, clock } = w;
  const start = pl.startTime(v);
  const victim = pl.person(['support'], start, undefined, false);
  if (!victim) return;
  const actor = `staff:${victim.id}`;
  const fam = 'account-takeover';
  const ip = newAddress(w);
  const session = (t0: number, customers: number, failFirst: boolean): void => {
    let t = t0;
    if (failFirst)
      for (let k = rng.int(1, 4); k > 0; k--)
        pl.emit(actor, fam, v, (t += rng.range(5, 40) * SEC), { type: 'login', actor, result: 'failed', ip });
    pl.emit(actor, fam, v, (t += rng.range(5, 40) * SEC), { type: 'login', actor, result: 'ok', ip });
    const queue = w.tickets.filter((x) => x.team === victim.team && x.open < t && x.close > t - 2 * DAY);
    for (let k = 0; k < customers && queue.length > 0; k++) {
      const tk = rng.pick(queue);
      pl.emit(actor, fam, v, (t += rng.range(20, 120) * SEC), {
        type: 'lookup',
        actor,
        customer: tk.customer,
        fields: ['name', 'masked_phone', 'masked_address'],
        result: 'ok',
      });
      for (const field of rng.sample(['phone', 'address', 'email'], rng.int(1, 2))) {
        pl.emit(actor, fam, v, (t += rng.range(10, 60) * SEC), {
          type: 'reveal',
          actor,
          customer: tk.customer,
          field,
          result: 'ok',
          purpose: 'ticket',
          ticket: tk.id,
        });
      }
    }
  };
  const offHours = (d: number): number => clock.at(d, works(victim, d) ? rng.range(21.5, 28) : rng.range(10, 27));
  if (v === 'fast') {
    session(Math.max(start, offHours(clock.dayOf(start))), rng.int(40, 90), true);
    return;
  }
  let first = true;
  for (let d = clock.dayOf(start); d < clock.localDays; d++) {
    if (!first && !rng.chance(0.6)) continue;
    const t = Math.max(start, offHours(d));
    session(t, rng.int(3, 8), first && rng.chance(0.5));
    first = false;
  }
}
