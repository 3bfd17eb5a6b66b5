/** The five attack families of the brief, each planted on an ordinary person or device. */
import { newBuild, stationsOf } from './network.ts';
import { exportEvent, habitOf, recentParcel } from './office.ts';
import { DAY, HOUR, MIN, SEC, dayKey, shiftOf, works, type Device, type Parcel, type World } from './model.ts';
import type { Planter, Variant } from './plant.ts';

/** Parcels of the days before t that a device never handles: not routed to its site, not through its hub. */
export function foreignParcels(w: World, t: number, notFor: (p: Parcel) => boolean, n: number): Parcel[] {
  const out: Parcel[] = [];
  for (let k = 0; k < n * 4 && out.length < n; k++) {
    const p = recentParcel(w, t);
    if (p && notFor(p)) out.push(p);
  }
  return out;
}

/** A device in service over the whole window from t on. */
export function steadyDevice(w: World, pl: Planter, t: number, filter: (d: Device) => boolean): Device | undefined {
  const pool = w.devices.filter(
    (d) =>
      d.kind === 'scanner' &&
      d.from < w.clock.start &&
      d.to === Infinity &&
      !pl.taken.has(d.id) &&
      filter(d) &&
      t > d.from,
  );
  if (pool.length === 0) return undefined;
  const d = w.rng.pick(pool);
  pl.taken.add(d.id);
  return d;
}

export function harvestingScanner(w: World, pl: Planter, v: Variant): void {
  const { rng, clock } = w;
  const start = pl.startTime(v);
  const station = rng.chance(0.75);
  const dev = steadyDevice(w, pl, start, (d) => (w.siteById.get(d.site)!.kind === 'station') === station);
  if (!dev) return;
  const site = w.siteById.get(dev.site)!;
  const actor = `device:${dev.id}`;
  const fam = 'harvesting-scanner';
  if (rng.chance(0.65)) dev.builds.push({ t: start - rng.range(1, 8) * HOUR, build: newBuild(w) });
  const notMine = (p: Parcel): boolean =>
    p.station !== site.id &&
    p.first !== site.id &&
    (site.kind === 'station' || (p.origin !== site.id && w.siteById.get(p.station)!.hub !== site.id));
  const read = (t: number, p: Parcel): void =>
    pl.emit(actor, fam, v, t, {
      type: 'lookup',
      actor,
      parcel: p.id,
      fields: rng.chance(0.8) ? ['route', 'masked_name'] : ['route', 'masked_name', 'masked_phone'],
      result: 'ok',
    });
  if (v === 'fast') {
    let night = clock.dayOf(start);
    for (let b = rng.int(1, 2); b > 0; b--, night++) {
      let t = Math.max(start, clock.at(night, rng.range(22, 27)));
      for (const p of foreignParcels(w, t, notMine, rng.int(150, 500))) read((t += rng.range(1, 6) * SEC), p);
    }
    return;
  }
  for (let d = clock.dayOf(start); d < clock.localDays; d++) {
    const n = rng.int(10, 40);
    const ps = foreignParcels(w, clock.at(d, 12), notMine, n);
    for (const p of ps) {
      const t = rng.chance(0.5) ? clock.at(d, rng.range(20, 29)) : clock.at(d, rng.range(7, 19));
      if (t >= start && t > p.created) read(t, p);
    }
  }
}

export function harvestingCourier(w: World, pl: Planter, v: Variant): void {
  const { rng, clock } = w;
  const start = pl.startTime(v);
  const c = pl.person(['courier'], start);
  if (!c) return;
  const actor = `staff:${c.id}`;
  const fam = 'harvesting-courier';
  const targets = (d: number, n: number): Parcel[] => {
    const own = (w.stationDay.get(dayKey(c.siteByDay[d]!, d)) ?? []).filter((p) => p.courier !== c.id);
    const out: Parcel[] = [];
    for (let k = 0; k < n; k++) {
      const p = rng.chance(0.7) && own.length > 0 ? rng.pick(own) : recentParcel(w, clock.at(d, 12));
      if (p && p.courier !== c.id) out.push(p);
    }
    return out;
  };
  const harvest = (t: number, p: Parcel): void => {
    pl.emit(actor, fam, v, t, {
      type: 'lookup',
      actor,
      parcel: p.id,
      fields: ['route', 'masked_name', 'masked_address'],
      result: 'ok',
    });
    if (rng.chance(0.85))
      pl.emit(actor, fam, v, t + rng.range(5, 60) * SEC, {
        type: 'reveal',
        actor,
        customer: p.customer,
        field: 'phone',
        result: 'ok',
        purpose: 'delivery',
      });
  };
  const days = pl.workDays(c, clock.dayOf(start));
  if (v === 'fast') {
    const d = days[0] ?? clock.dayOf(start);
    let t = Math.max(start, clock.at(d, rng.range(16.5, 20)));
    for (const p of targets(d, rng.int(40, 120))) harvest((t += rng.range(30, 180) * SEC), p);
    return;
  }
  for (const d of days)
    for (const p of targets(d, rng.int(2, 6))) {
      const t = clock.at(d, rng.range(8.5, 18.5));
      if (t >= start && t > p.created) harvest(t, p);
    }
}

export function reviewBroker(w: World, pl: Planter, v: Variant): void {
  const { rng, clock } = w;
  const start = pl.startTime(v);
  const roles = rng.chance(0.6) ? ['support', 'moderator'] : ['moderator', 'support'];
  const agent = pl.person([roles[0]!], start) ?? pl.person([roles[1]!], start);
  if (!agent) return;
  const actor = `staff:${agent.id}`;
  const fam = 'review-broker';
  const negatives = new Map<string, number>();
  for (const r of w.reviews)
    if (r.rating <= 2 && r.t < clock.end - DAY) negatives.set(r.seller, (negatives.get(r.seller) ?? 0) + 1);
  const top = [...negatives.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4);
  if (top.length === 0) return;
  const seller = rng.pick(top)[0];
  const pool = w.reviews.filter((r) => r.seller === seller && r.rating <= 2).sort((a, b) => a.t - b.t);
  const done = new Set<string>();
  const broker = (t: number): boolean => {
    const r = pool.find((x) => x.t < t - 10 * MIN && !done.has(x.id));
    if (!r) return false;
    done.add(r.id);
    const purpose = agent.role === 'support' ? 'ticket' : 'moderation';
    pl.emit(actor, fam, v, t, { type: 'reveal', actor, customer: r.customer, field: 'phone', result: 'ok', purpose });
    if (rng.chance(0.5))
      pl.emit(actor, fam, v, t + rng.range(10, 90) * SEC, {
        type: 'reveal',
        actor,
        customer: r.customer,
        field: 'email',
        result: 'ok',
        purpose,
      });
    pl.emit(actor, fam, v, t + rng.range(2, 25) * MIN, {
      type: 'moderation',
      actor,
      review: r.id,
      action: rng.chance(0.6) ? 'hide' : 'delete',
      reason: rng.pick(['abuse', 'off_topic', 'abuse']),
    });
    return true;
  };
  const days = pl.workDays(agent, clock.dayOf(start));
  if (v === 'fast') {
    const shift = pl.nextShift(agent, start);
    if (!shift) return;
    let t = shift[0];
    for (let k = rng.int(15, 40); k > 0 && t < shift[1] + 2 * HOUR; k--) broker((t += rng.range(3, 15) * MIN));
    return;
  }
  for (const d of days) {
    const [from, to] = shiftOf(w, agent, d);
    for (let k = rng.int(1, 2); k > 0; k--) {
      const t = rng.range(Math.max(from, start), to);
      if (t < to) broker(t);
    }
  }
}

const DEAD_DROPS = ['partner-sftp', 'archive-s3', 'crm-sync', 'vendor-feed', 'ops-backup'];

export function dataSeller(w: World, pl: Planter, v: Variant): void {
  const { rng, clock } = w;
  const start = pl.startTime(v);
  const a = pl.person(['analyst'], start, undefined, false);
  if (!a) return;
  const actor = `staff:${a.id}`;
  const fam = 'data-seller';
  const to = rng.pick(DEAD_DROPS);
  const ex = (t: number, rows: number): void =>
    pl.emit(actor, fam, v, t, {
      ...exportEvent(actor, 'customers', rows, to),
      fields: ['customer', 'name', 'phone', 'address', 'email'],
    });
  if (v === 'fast') {
    const d = clock.dayOf(start);
    let t = Math.max(start, clock.at(d, rng.range(18, 23)));
    for (let k = rng.int(1, 3); k > 0; k--) ex((t += rng.range(2, 20) * MIN), rng.int(20_000, 90_000));
    return;
  }
  const habit = habitOf(w, a);
  for (let d = clock.dayOf(start); d < clock.localDays; d++) {
    if (!rng.chance(0.75)) continue;
    const t = Math.max(start, clock.at(d, rng.range(19, 23.5)));
    ex(t, Math.round(habit.rows * rng.spread(0.3)));
  }
}

export function breakGlassAbuse(w: World, pl: Planter, v: Variant): void {
  const { rng, clock } = w;
  const start = pl.startTime(v);
  const p = pl.person(['analyst', 'engineer', 'admin', 'support'], start);
  if (!p) return;
  const actor = `staff:${p.id}`;
  const fam = 'break-glass-abuse';
  const glass = (t: number): void => {
    const s = rng.pick(stationsOf(w));
    pl.emit(actor, fam, v, t, {
      type: 'reveal',
      actor,
      customer: rng.pick(s.customers),
      field: rng.pick(['phone', 'phone', 'address', 'email']),
      result: 'break_glass',
      purpose: 'incident',
    });
  };
  if (v === 'fast') {
    const shift = pl.nextShift(p, start);
    if (!shift) return;
    let t = rng.range(shift[0], Math.max(shift[0], shift[1] - HOUR));
    for (let k = rng.int(10, 16); k > 0; k--) glass((t += rng.range(1, 5) * MIN));
    return;
  }
  for (let d = clock.dayOf(start); d < clock.localDays; d++) {
    if (!works(p, d)) continue;
    const [from, to] = shiftOf(w, p, d);
    for (let k = rng.int(1, 3); k > 0; k--) {
      const t = rng.range(from, to);
      if (t >= start) glass(t);
    }
  }
}
