/** Parcels moving through the network: routing, hub and station scans, scanner lookups, couriers' rounds. */
import { hubsOf, neighbours, stationsOf } from './network.ts';
import { crewOn } from './people.ts';
import {
  HOUR,
  MIN,
  SEC,
  dayKey,
  deviceAt,
  type Device,
  type Parcel,
  type Person,
  type Site,
  type World,
} from './model.ts';

/** Relative volume by weekday, Monday first. */
const WEEKDAY = [1.1, 1, 1, 1, 1.05, 0.7, 0.5];

export interface ParcelIndex {
  scanners: Map<string, Device[]>;
  apps: Map<string, Device[]>;
}

export function indexDevices(w: World): ParcelIndex {
  const scanners = new Map<string, Device[]>();
  const apps = new Map<string, Device[]>();
  for (const d of w.devices) {
    if (d.kind === 'scanner') (scanners.get(d.site) ?? scanners.set(d.site, []).get(d.site)!).push(d);
    else (apps.get(d.owner!) ?? apps.set(d.owner!, []).get(d.owner!)!).push(d);
  }
  return { scanners, apps };
}

/** Generates every parcel of the window (and of the day before, still in flight when it opens). */
export function runParcels(w: World, ix: ParcelIndex): void {
  const { rng, clock } = w;
  const stations = stationsOf(w);
  const hubs = hubsOf(w);
  const sale = clock.localDays >= 5 ? rng.int(2, clock.localDays - 2) : -99;
  const deliveries = new Map<string, Parcel[]>();
  const attempts = new Map<Parcel, number>();
  let seq = rng.int(3_000_000, 6_000_000);

  const reg = (station: string, d: number, p: Parcel): void => {
    const k = dayKey(station, d);
    const list = w.stationDay.get(k) ?? w.stationDay.set(k, []).get(k)!;
    if (list[list.length - 1] !== p) list.push(p);
  };
  const lookup = (dev: Device, p: Parcel, t: number): void => {
    w.sink.push(t, {
      type: 'lookup',
      actor: `device:${dev.id}`,
      parcel: p.id,
      fields: ['route', 'masked_name'],
      result: 'ok',
    });
  };
  const scan = (site: Site, t: number, p: Parcel, step: string, lookupShare: number): Device | undefined => {
    const dev = deviceAt(w, ix.scanners.get(site.id) ?? [], t);
    if (!dev) return undefined;
    w.sink.push(t, { type: 'scan', device: dev.id, parcel: p.id, station: site.id, step });
    if (site.kind === 'hub')
      (w.hubScans.get(site.id) ?? w.hubScans.set(site.id, []).get(site.id)!).push({ t, parcel: p });
    if (rng.chance(lookupShare)) lookup(dev, p, t + rng.range(300, 2500) + dev.skew);
    return dev;
  };
  const nextTruck = (s: Site, ready: number): number => {
    for (let d = clock.dayOf(ready); ; d++) {
      for (const h of s.night ? [5, 13, 23.2] : [5, 13]) {
        const t = clock.at(d, h + rng.range(0, 1.5));
        if (t >= ready) return t;
      }
    }
  };

  for (let d = -1; d < clock.localDays; d++) {
    for (const s of stations) {
      const n = rng.poisson(s.volume * WEEKDAY[clock.weekday(d)]! * (d === sale ? 2 : 1));
      for (let k = 0; k < n; k++) createParcel(s, d);
    }
  }
  for (let d = 0; d < clock.localDays; d++) for (const s of stations) courierDay(s, d);

  function createParcel(s: Site, d: number): void {
    const customer = rng.chance(0.3)
      ? s.customers[rng.int(0, Math.floor(s.customers.length / 10))]!
      : rng.pick(s.customers);
    const created = clock.at(d, 8 + 7 * (rng.next() + rng.next()));
    const p: Parcel = { id: `p-${seq++}`, customer, station: s.id, first: s.id, created, arrive: NaN };
    w.parcels.push(p);
    const local = rng.chance(0.09);
    const origin = local ? undefined : rng.chance(0.55) ? w.siteById.get(s.hub)! : rng.pick(hubs);
    if (origin) p.origin = origin.id;
    w.sink.push(created, {
      type: 'parcel',
      parcel: p.id,
      customer,
      station: s.id,
      ...(origin ? { origin: origin.id } : {}),
    });
    reg(s.id, d, p);
    let final = s;
    let arrive: number;
    if (!origin) {
      const drop = created + rng.range(0.5, 4) * HOUR;
      arrive =
        clock.hourOf(drop) > 20 || clock.hourOf(drop) < 7
          ? clock.at(clock.dayOf(drop) + (clock.hourOf(drop) > 20 ? 1 : 0), rng.range(8, 9.5))
          : drop;
    } else {
      let t = created + rng.range(2, 9) * HOUR;
      scan(origin, t, p, 'inbound', 0.15);
      t += rng.range(10, 90) * MIN;
      scan(origin, t, p, 'sort', 0.5);
      t += rng.range(15, 120) * MIN;
      scan(origin, t, p, 'outbound', 0.1);
      if (origin.id !== s.hub) t = crossDock(w.siteById.get(s.hub)!, t);
      let ready = t + rng.range(1.5, 3) * HOUR;
      if (rng.chance(0.02)) {
        // re-routed mid-way: the customer changed the address, or the station is full
        const near = neighbours(w, s);
        const to =
          near.length > 0 && rng.chance(0.8) ? rng.pick(near) : rng.pick(stations.filter((o) => o.id !== s.id));
        const rr = created + rng.range(HOUR, Math.max(1.5 * HOUR, ready - created));
        w.sink.push(rr, { type: 'parcel', parcel: p.id, customer, station: to.id, origin: origin.id });
        final = to;
        if (to.hub !== s.hub)
          ready =
            crossDock(w.siteById.get(to.hub)!, Math.max(ready, rr) + rng.range(2, 4) * HOUR) + rng.range(1.5, 3) * HOUR;
      } else if (rng.chance(0.012)) {
        // mis-sorted: it reaches a neighbouring station first and is sent on
        const near = neighbours(w, s);
        if (near.length > 0) {
          const wrong = rng.pick(near);
          const at = nextTruck(wrong, ready);
          scan(wrong, at, p, 'inbound', 0.85);
          reg(wrong.id, clock.dayOf(at), p);
          const out = at + rng.range(1, 4) * HOUR;
          scan(wrong, out, p, 'outbound', 0.2);
          ready = out + rng.range(2, 4) * HOUR;
        }
      }
      arrive = nextTruck(final, ready);
      const pre = clock.at(clock.dayOf(arrive), rng.range(5.2, 7.5));
      if (rng.chance(0.3) && pre < arrive - 10 * MIN && pre > created) {
        const dev = deviceAt(w, ix.scanners.get(final.id) ?? [], pre);
        if (dev) lookup(dev, p, pre); // the morning pre-sort list
      }
    }
    p.station = final.id;
    p.arrive = arrive;
    scan(final, arrive, p, 'inbound', 0.85);
    const ad = clock.dayOf(arrive);
    reg(final.id, ad, p);
    const dd = clock.hourOf(arrive) < 9 ? ad : ad + 1;
    reg(final.id, dd, p);
    if (rng.chance(0.03)) {
      // picked up at the counter
      const t = Math.max(arrive + 30 * MIN, clock.at(dd, rng.range(9, 19)));
      const dev = deviceAt(w, ix.scanners.get(final.id) ?? [], t);
      if (dev) {
        lookup(dev, p, t);
        w.sink.push(t + rng.range(20 * SEC, 3 * MIN), {
          type: 'scan',
          device: dev.id,
          parcel: p.id,
          station: final.id,
          step: 'delivered',
        });
        p.delivered = t;
      }
      return;
    }
    const k = dayKey(final.id, dd);
    (deliveries.get(k) ?? deliveries.set(k, []).get(k)!).push(p);

    function crossDock(hub: Site, t0: number): number {
      let t = t0 + rng.range(3, 7) * HOUR;
      scan(hub, t, p, 'inbound', 0.15);
      if (rng.chance(0.5)) {
        t += rng.range(10, 60) * MIN;
        scan(hub, t, p, 'sort', 0.5);
      }
      t += rng.range(20, 150) * MIN;
      scan(hub, t, p, 'outbound', 0.1);
      return t;
    }
  }

  function appOf(c: Person, t: number): Device | undefined {
    const list = ix.apps.get(c.id) ?? [];
    return list.find((d) => d.from <= t && t < d.to) ?? list[list.length - 1];
  }

  function courierLookup(c: Person, p: Parcel, t: number): void {
    w.sink.push(t, {
      type: 'lookup',
      actor: `staff:${c.id}`,
      parcel: p.id,
      fields: ['route', 'masked_name', 'masked_address'],
      result: 'ok',
    });
  }

  function call(c: Person, p: Parcel, t: number): void {
    w.sink.push(t, {
      type: 'reveal',
      actor: `staff:${c.id}`,
      customer: p.customer,
      field: 'phone',
      result: 'ok',
      purpose: 'delivery',
    });
  }

  function courierDay(s: Site, d: number): void {
    const list = deliveries.get(dayKey(s.id, d));
    if (!list || list.length === 0) return;
    let crew = crewOn(w, 'courier', s.id, d);
    if (crew.length === 0)
      crew = w.people.filter(
        (p) => p.role === 'courier' && p.siteByDay[d] === s.id && d >= p.joinDay && d < p.leaveDay,
      );
    if (crew.length === 0) return;
    const loads = new Map<Person, Parcel[]>();
    for (const p of rng.shuffle(list)) {
      const c = rng.weighted(crew, (x) => x.pace);
      (loads.get(c) ?? loads.set(c, []).get(c)!).push(p);
    }
    const fails: Parcel[] = [];
    for (const [c, ps] of loads) {
      let t0 = clock.at(d, 6.6 + rng.range(0, 1));
      const looked = new Set<Parcel>();
      for (const p of ps) {
        w.sink.push(t0, { type: 'assignment', parcel: p.id, courier: c.id });
        t0 += rng.range(1, 6) * SEC;
        if (rng.chance(0.55)) {
          courierLookup(c, p, t0 + rng.range(2, 60) * MIN);
          looked.add(p);
        }
      }
      // helping a colleague find a parcel on the shelf: a read of a parcel assigned to someone else
      for (let k = rng.poisson(0.3); k > 0 && list.length > ps.length; k--) {
        const q = rng.pick(list);
        if (!ps.includes(q)) courierLookup(c, q, clock.at(d, rng.range(7, 8.5)));
      }
      let load = clock.at(d, 7.6 + rng.range(0, 1.2));
      for (const p of ps) {
        scan(s, load, p, 'outbound', 0.15);
        load += rng.range(4, 20) * SEC;
      }
      let t = load + rng.range(15, 45) * MIN;
      const step = rng.range(5, 11) / c.pace;
      for (const p of ps) {
        t += rng.exp(step * MIN) + MIN;
        if (clock.hourOf(t) > 20.5 || clock.dayOf(t) > d) {
          fails.push(p);
          continue;
        }
        if (!looked.has(p) && rng.chance(0.35)) courierLookup(c, p, t - rng.range(1, 15) * MIN);
        if (crew.length > 1 && rng.chance(0.02)) {
          // handed over mid-route to a colleague
          const other = rng.pick(crew.filter((x) => x !== c));
          const h = t - rng.range(10, 40) * MIN;
          w.sink.push(h, { type: 'assignment', parcel: p.id, courier: other.id });
          if (rng.chance(0.9)) courierLookup(other, p, h + rng.range(1, 10) * MIN);
          const at = h + rng.range(20, 120) * MIN;
          if (rng.chance(other.callShare)) call(other, p, at - rng.range(2, 15) * MIN);
          const app = appOf(other, at);
          if (app) w.sink.push(at, { type: 'scan', device: app.id, parcel: p.id, station: s.id, step: 'delivered' });
          p.courier = other.id;
          p.delivered = at;
          continue;
        }
        if (rng.chance(c.callShare)) call(c, p, t - rng.range(2, 25) * MIN);
        if (rng.chance(0.04)) {
          fails.push(p); // nobody home
          continue;
        }
        const app = appOf(c, t);
        if (app) w.sink.push(t, { type: 'scan', device: app.id, parcel: p.id, station: s.id, step: 'delivered' });
        p.courier = c.id;
        p.delivered = t;
      }
    }
    for (const p of fails) {
      const back = clock.at(d, rng.range(18.3, 20.5));
      scan(s, back, p, 'inbound', 0.5);
      const n = (attempts.get(p) ?? 0) + 1;
      attempts.set(p, n);
      if (n >= 2 && rng.chance(0.5)) {
        // returned to the sender
        const out = clock.at(d + 1, rng.range(9, 11));
        scan(s, out, p, 'outbound', 0.3);
        scan(w.siteById.get(s.hub)!, out + rng.range(3, 5) * HOUR, p, 'inbound', 0.15);
        continue;
      }
      const k = dayKey(s.id, d + 1);
      (deliveries.get(k) ?? deliveries.set(k, []).get(k)!).push(p);
    }
  }
}
