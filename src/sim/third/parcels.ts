import { DAY, HOUR, MIN, SEC } from './clock.ts';
import type { Ctx, Customer, Parcel, Review, Traffic } from './context.ts';
import { deliverFromStation, type LastMile } from './lastmile.ts';
import type { Device } from './network.ts';
import { onShift, siteOf, works, type Person } from './people.ts';

const SCAN_FIELDS = [['route'], ['route'], ['route', 'label']];
const OP_FIELDS = [['route', 'masked_name'], ['route'], ['masked_name', 'masked_phone'], ['route', 'status']];
/** Orders per ordinary station per day, before weekday, sale and size factors. */
const BASE_VOLUME = 92;
const WEEKDAY = [0.45, 1.15, 1.0, 1.0, 1.05, 1.1, 0.8];

/**
 * Runs every parcel of the world from the seller's label to the customer's door: hubs, line-haul,
 * station, courier waves, failed deliveries, returns, re-routes, mis-sorts and counter pickups,
 * with every scan, scanner lookup, operator read, assignment, courier read and reveal it causes,
 * and the reviews customers write afterwards.
 */
export function runParcels(ctx: Ctx): Traffic {
  const { cal, net, sink, roster } = ctx;
  const rng = ctx.rng.fork('parcels');
  const sellers = Array.from({ length: 40 + net.stations.length * 12 }, () => ctx.ids.next('sl-', 5));
  const cumulative: number[] = [];
  sellers.reduce((sum, _, i) => (cumulative[i] = sum + 1 / Math.pow(i + 1, 0.8)), 0);
  const sellerBad = sellers.map(() => (rng.chance(0.15) ? rng.range(0.25, 0.45) : rng.range(0.04, 0.15)));
  const pickSeller = () => {
    const r = rng.next() * (cumulative[cumulative.length - 1] as number);
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const parcels: Parcel[] = [];
  const reviews: Review[] = [];
  const customers: Customer[] = [];
  const regulars = new Map<string, Customer[]>();

  // Operators lent to a neighbouring station for a day: nothing records it.
  const lent = new Map<string, Person[]>();
  const borrowed = new Set<string>();
  const grantedAway = new Set<string>();
  for (const st of net.stations) {
    for (let d = -1; d < cal.days; d++) {
      if (!rng.chance(0.06)) continue;
      const from = net.neighbours(st.id).flatMap((n) => roster.bySite.get(n.id) ?? []);
      const ops = from.filter((p) => p.role === 'station_operator' && p.shift === 'day' && works(cal, p, d));
      if (ops.length === 0) continue;
      const op = rng.pick(ops);
      lent.set(`${st.id}|${d}`, [...(lent.get(`${st.id}|${d}`) ?? []), op]);
      borrowed.add(`${op.id}|${d}`);
    }
  }
  const opsAt = (site: string, ms: number): Person[] => {
    const d = cal.dayOf(ms);
    const here = (roster.bySite.get(site) ?? []).filter(
      (p) =>
        p.role === 'station_operator' && !borrowed.has(`${p.id}|${d}`) && siteOf(p, ms) === site && onShift(cal, p, ms),
    );
    const h = cal.localHour(ms);
    return h >= 7 && h < 19 ? [...here, ...(lent.get(`${site}|${d}`) ?? [])] : here;
  };
  const scannerAt = (site: string, ms: number): Device | undefined => {
    const list = net.scannersAt(site, ms);
    return list.length > 0 ? rng.pick(list) : undefined;
  };
  const scan = (p: Parcel, site: string, step: string, ms: number, device?: Device) => {
    const dev = device ?? scannerAt(site, ms);
    if (!dev) return;
    const fields = { device: dev.id, parcel: p.id, station: site, step };
    sink.emit(ms + dev.skew, 'scan', fields);
    p.visited.add(site);
    if (dev.kind === 'scanner' && rng.chance(0.92)) {
      sink.emit(ms + rng.range(-1.2, 2.5) * SEC, 'lookup', {
        actor: `device:${dev.id}`,
        parcel: p.id,
        result: 'ok',
        fields: rng.pick(SCAN_FIELDS),
      });
    }
    if (rng.chance(0.02)) sink.emit(ms + rng.range(3, 40) * SEC + dev.skew, 'scan', fields);
    // A courier's phone that lost its connection uploads the same scan twice.
    if (dev.kind === 'courier_app' && rng.chance(0.01)) sink.emit(ms + dev.skew, 'scan', fields);
  };
  const opRead = (p: Parcel, site: string, at: number) => {
    let ms = at;
    const ops = opsAt(site, at);
    if (ops.length === 0) return;
    const op = rng.pick(ops);
    const day = `${op.id}|${cal.dayOf(ms)}`;
    if (borrowed.has(day) && !grantedAway.has(day)) {
      // A lent operator's grant for the other station often lags behind their first read there.
      grantedAway.add(day);
      if (rng.chance(0.4)) {
        sink.emit(ms, 'lookup', { actor: `staff:${op.id}`, parcel: p.id, result: 'denied' });
        ms += rng.range(3, 25) * MIN;
      }
    }
    sink.emit(ms, 'lookup', { actor: `staff:${op.id}`, parcel: p.id, result: 'ok', fields: rng.pick(OP_FIELDS) });
  };
  const mile: LastMile = deliverFromStation(ctx, rng.fork('lastmile'), { scan, opRead, scannerAt });

  for (const st of net.stations) {
    const local = regulars.get(st.id) ?? [];
    regulars.set(st.id, local);
    for (let d = -2; d < cal.days; d++) {
      const dom = cal.dayOfMonth(d);
      const month = new Date(cal.at(d, 12)).getUTCMonth() + 1;
      const sale = dom === month || dom === 25 ? 2 : 1;
      const n = rng.count(BASE_VOLUME * st.size * (WEEKDAY[cal.weekday(d)] as number) * sale * rng.logNormal(1, 0.08));
      for (let i = 0; i < n; i++) {
        let customer: Customer;
        if (local.length > 20 && rng.chance(0.35)) customer = rng.pick(local);
        else {
          customer = { id: ctx.ids.next('kh', 8), station: st.id, zone: rng.int(0, 7) };
          customers.push(customer);
          local.push(customer);
        }
        let hour =
          sale > 1 && rng.chance(0.3) ? rng.range(0, 2.5) : rng.chance(0.75) ? rng.normal(14, 3) : rng.range(0, 24);
        if (hour < 0 || hour >= 24) hour = rng.range(7, 22);
        const seller = pickSeller();
        const p: Parcel = {
          id: ctx.ids.next('VN', 11),
          customer,
          seller: sellers[seller] as string,
          created: cal.at(d, hour),
          routed: [st.id],
          visited: new Set(),
          arrived: Infinity,
          couriers: [],
          delivered: Infinity,
        };
        parcels.push(p);
        const deliveredBy = travel(p);
        if (deliveredBy !== undefined && rng.chance(0.09)) {
          const rating = rng.chance(sellerBad[seller] as number)
            ? rng.pick([1, 1, 2, 2, 3])
            : rng.pick([3, 4, 4, 5, 5, 5]);
          const r: Review = {
            id: ctx.ids.next('rv', 7),
            customer: customer.id,
            seller: p.seller,
            rating,
            at: deliveredBy + rng.range(4, 110) * HOUR,
          };
          if (
            sink.emit(r.at, 'review', {
              id: r.id,
              customer: r.customer,
              seller: r.seller,
              rating,
              product: `sku-${seller}${rng.int(10, 99)}`,
            })
          )
            reviews.push(r);
        }
      }
    }
  }
  stocktake();
  return { parcels, reviews, sellers, customers };

  /** Wednesday nights, the night stations count their shelves: a night operator reads every parcel on hand. */
  function stocktake(): void {
    for (const st of net.stations.filter((s) => s.night)) {
      for (let d = 0; d < cal.days; d++) {
        if (cal.weekday(d) !== 3) continue;
        let ms = cal.at(d, rng.range(23, 24.5));
        const ops = opsAt(st.id, ms);
        if (ops.length === 0) continue;
        const op = rng.pick(ops);
        const onHand = parcels.filter(
          (p) => p.routed.includes(st.id) && p.arrived <= ms && p.delivered > ms && p.arrived > ms - 4 * DAY,
        );
        for (const p of onHand) {
          sink.emit(ms, 'lookup', {
            actor: `staff:${op.id}`,
            parcel: p.id,
            result: 'ok',
            fields: ['route', 'masked_name'],
          });
          ms += rng.range(3, 12) * SEC;
        }
      }
    }
  }

  /** Moves one parcel through hubs to its station and on to the customer; returns the delivery time. */
  function travel(p: Parcel): number | undefined {
    const dest = net.sites.get(p.routed[0] as string)!;
    const isLocal = rng.chance(0.08);
    const origin = isLocal ? dest.id : rng.pick(net.hubs).id;
    sink.emit(p.created, 'parcel', { parcel: p.id, customer: p.customer.id, station: dest.id, origin });
    let t = p.created;
    let station = dest.id;
    if (isLocal) {
      t = intoHours(t + rng.range(2, 6) * HOUR, 8, 18);
    } else {
      const reroute = rng.chance(0.025);
      const hubs = [origin];
      if (reroute) {
        const options = rng.chance(0.8) ? net.neighbours(dest.id) : net.stations.filter((s) => s.id !== dest.id);
        if (options.length > 0) station = rng.pick(options).id;
      }
      const feeder = net.sites.get(station)!.hub;
      if (hubs[hubs.length - 1] !== feeder) hubs.push(feeder);
      hubs.forEach((hub, i) => {
        t += (i === 0 ? rng.range(3, 10) : rng.range(4, 9)) * HOUR;
        scan(p, hub, 'inbound', t);
        const sorted = t + rng.range(5, 90) * MIN;
        scan(p, hub, 'sort', sorted);
        if (rng.chance(0.2)) opRead(p, hub, rng.range(t, sorted + 30 * MIN));
        if (i === 0 && station !== dest.id) {
          p.routed.push(station);
          sink.emit(t + rng.range(10, 60) * MIN, 'parcel', { parcel: p.id, customer: p.customer.id, station, origin });
        }
        t = sorted + rng.range(20, 240) * MIN;
        scan(p, hub, 'outbound', t);
      });
      t = nextTruck(station, t + rng.range(1.5, 4) * HOUR);
      if (rng.chance(0.01)) {
        const wrong = net.neighbours(station);
        if (wrong.length > 0) {
          // Mis-sorted onto another station's truck: scanned in there, sent on with the next run.
          const w = rng.pick(wrong).id;
          scan(p, w, 'inbound', t + rng.range(0, 40) * MIN);
          if (rng.chance(0.5)) opRead(p, w, t + rng.range(40, 120) * MIN);
          const back = t + rng.range(3, 7) * HOUR;
          scan(p, w, 'outbound', back);
          t = nextTruck(station, back + rng.range(1, 2) * HOUR);
        }
      }
      const h = cal.localHour(t);
      if (h < 7 && rng.chance(0.35)) {
        // The morning pre-sort list: parcels expected today, read before the truck is in.
        const dev = scannerAt(station, t);
        const ms = cal.at(cal.dayOf(t), rng.range(5, 5.9));
        if (dev && ms < t)
          sink.emit(ms, 'lookup', { actor: `device:${dev.id}`, parcel: p.id, result: 'ok', fields: ['route'] });
      }
    }
    const arrival = t + rng.range(0, 50) * MIN;
    p.arrived = arrival;
    scan(p, station, 'inbound', arrival);
    return mile(p, station, arrival);
  }

  function nextTruck(station: string, ready: number): number {
    const night = net.sites.get(station)!.night;
    for (let d = cal.dayOf(ready); ; d++) {
      for (const hour of night ? [6, 11.5, 23] : [6, 11.5]) {
        const ms = cal.at(d, hour + rng.range(0, 0.5));
        if (ms >= ready) return ms;
      }
    }
  }

  function intoHours(ms: number, from: number, to: number): number {
    const h = cal.localHour(ms);
    if (h >= from && h < to) return ms;
    const d = cal.dayOf(ms) + (h >= to ? 1 : 0);
    return cal.at(d, rng.range(from, from + 2));
  }
}
