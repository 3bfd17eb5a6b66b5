import { HOUR, MIN } from './clock.ts';
import type { Ctx, Parcel } from './context.ts';
import type { Device } from './network.ts';
import { siteOf, works, type Person } from './people.ts';
import type { Rng } from './rng.ts';

/** What the station stage borrows from the parcel flow. */
export type Tools = {
  scan(p: Parcel, site: string, step: string, ms: number, device?: Device): void;
  opRead(p: Parcel, site: string, ms: number): void;
  scannerAt(site: string, ms: number): Device | undefined;
};

/** Takes a parcel from its arrival at `station` to the customer; returns when it was delivered. */
export type LastMile = (p: Parcel, station: string, arrival: number) => number | undefined;

const MOBILE = ['27.64', '27.65', '171.224', '171.225', '113.22', '116.96'];

/** A mobile carrier's address, different nearly every time (couriers sign in from their phones). */
export function mobileIp(rng: Rng): string {
  return `${rng.pick(MOBILE)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

/**
 * The station stage: two courier waves a day (08:00 and 13:00 local, one on Sundays). Each wave a
 * courier is assigned the parcels of their zone, reads them, calls some customers first (a phone
 * reveal), and delivers with their app; some parcels are handed to a colleague mid-route, some
 * deliveries fail and go out again, a few go back to the sender, and some are picked up at the
 * counter. Operators read parcels expected at and sitting in the station.
 */
export function deliverFromStation(ctx: Ctx, rng: Rng, tools: Tools): LastMile {
  const { cal, net, sink, roster } = ctx;
  const waves = new Map<string, number>();
  const crews = new Map<string, Person[]>();
  const waveStart = (station: string, d: number, slot: number): number => {
    const key = `${station}|${d}|${slot}`;
    let ms = waves.get(key);
    if (ms === undefined) {
      ms = cal.at(d, (slot === 0 ? 8 : 13) + rng.range(0, 0.7));
      waves.set(key, ms);
    }
    return ms;
  };
  const crew = (station: string, d: number): Person[] => {
    const key = `${station}|${d}`;
    let list = crews.get(key);
    if (!list) {
      const at = cal.at(d, 8);
      list = (roster.bySite.get(station) ?? [])
        .filter((p) => p.role === 'courier' && siteOf(p, at) === station && works(cal, p, d))
        .sort((a, b) => a.zone - b.zone);
      crews.set(key, list);
    }
    return list;
  };
  const nextWave = (station: string, ready: number) => {
    for (let d = cal.dayOf(ready); d <= cal.days; d++) {
      for (const slot of cal.weekday(d) === 0 ? [0] : [0, 1]) {
        const start = waveStart(station, d, slot);
        if (start - 15 * MIN >= ready) return { d, slot, start };
      }
    }
    return undefined;
  };
  const appOf = (c: Person, ms: number): Device | undefined =>
    c.apps.find((a) => a.from <= ms && ms < a.until) ?? c.apps[c.apps.length - 1];
  const read = (c: Person, p: Parcel, ms: number) => {
    if (rng.chance(0.004)) {
      // An expired session: denied, a sign-in, then the same read again.
      sink.emit(ms, 'lookup', { actor: `staff:${c.id}`, parcel: p.id, result: 'denied' });
      sink.emit(ms + rng.range(20, 90) * 1000, 'login', { actor: `staff:${c.id}`, result: 'ok', ip: mobileIp(rng) });
      ms += rng.range(100, 200) * 1000;
    }
    sink.emit(ms, 'lookup', {
      actor: `staff:${c.id}`,
      parcel: p.id,
      result: 'ok',
      fields: ['route', 'masked_name', 'address'],
    });
  };
  const assign = (p: Parcel, c: Person, ms: number, soon: boolean) => {
    sink.emit(ms, 'assignment', { parcel: p.id, courier: c.id });
    p.couriers.push(c);
    if (rng.chance(0.95)) read(c, p, ms + (soon ? rng.range(1, 10) : rng.range(2, 40)) * MIN);
  };
  const reveal = (c: Person, p: Parcel, ms: number) => {
    const denied = ms < c.grantFrom && rng.chance(0.5);
    sink.emit(ms, 'reveal', {
      actor: `staff:${c.id}`,
      customer: p.customer.id,
      field: 'phone',
      purpose: 'delivery',
      result: denied ? 'denied' : 'ok',
    });
  };
  const sendBack = (p: Parcel, station: string, after: number) => {
    const out = cal.at(cal.dayOf(after) + 1, rng.range(16, 18));
    tools.scan(p, station, 'outbound', out);
    const hub = net.sites.get(station)!.hub;
    const inbound = out + rng.range(2, 4) * HOUR;
    tools.scan(p, hub, 'inbound', inbound);
    const sorted = inbound + rng.range(10, 90) * MIN;
    tools.scan(p, hub, 'sort', sorted);
    tools.scan(p, hub, 'outbound', sorted + rng.range(1, 5) * HOUR);
  };

  return (p, station, arrival) => {
    let out = Infinity;
    if (rng.chance(0.03)) {
      // The customer collects it at the counter.
      let pick = arrival + rng.range(2, 30) * HOUR;
      const h = cal.localHour(pick);
      if (h < 8 || h >= 19) pick = cal.at(cal.dayOf(pick) + (h >= 19 ? 1 : 0), rng.range(8, 18));
      tools.opRead(p, station, pick - rng.range(1, 4) * MIN);
      tools.scan(p, station, 'delivered', pick);
      p.delivered = pick;
      out = pick;
    }
    const elsewhere = net.neighbours(station);
    if (elsewhere.length > 0 && rng.chance(0.004)) {
      // The customer walks into the wrong station: its counter looks the parcel up, finds nothing to hand over.
      const wrong = rng.pick(elsewhere).id;
      const ms = cal.at(cal.dayOf(arrival) + 1, rng.range(9, 18));
      const dev = tools.scannerAt(wrong, ms);
      if (dev) sink.emit(ms, 'lookup', { actor: `device:${dev.id}`, parcel: p.id, result: 'ok', fields: ['route'] });
      tools.opRead(p, wrong, ms + rng.range(20, 90) * 1000);
    }
    let t = arrival;
    let attempts = 0;
    for (let guard = 0; guard < 6 && p.delivered === Infinity; guard++) {
      const w = nextWave(station, t + 30 * MIN);
      if (!w || w.start >= cal.end) break;
      const team = crew(station, w.d);
      if (team.length === 0) {
        t = w.start + HOUR;
        continue;
      }
      const c = team[p.customer.zone % team.length] as Person;
      assign(p, c, w.start + rng.range(0, 3) * MIN, false);
      const leaves = w.start + rng.range(15, 45) * MIN;
      tools.scan(p, station, 'outbound', leaves);
      out = Math.min(out, leaves);
      let carrier = c;
      let at = leaves + rng.range(20, 200) * MIN;
      if (team.length > 1 && rng.chance(0.03)) {
        const handover = leaves + rng.range(30, 100) * MIN;
        carrier = rng.pick(team.filter((x) => x !== c));
        assign(p, carrier, handover, true);
        at = handover + rng.range(15, 120) * MIN;
      }
      if (team.length > 1 && rng.chance(0.005)) {
        // A colleague reads it when the customer waves them down in the street: no record explains it.
        read(rng.pick(team.filter((x) => x !== carrier)), p, rng.range(leaves, at));
      }
      const waveEnd = cal.at(w.d, w.slot === 0 ? 12.5 : 19);
      if (rng.chance(0.06)) {
        if (rng.chance(0.6)) reveal(carrier, p, at);
        attempts++;
        tools.scan(p, station, 'inbound', waveEnd + rng.range(0, 40) * MIN);
        if (attempts >= 3) {
          sendBack(p, station, waveEnd);
          break;
        }
        t = waveEnd;
        continue;
      }
      if (rng.chance(0.35)) reveal(carrier, p, at - rng.range(2, 25) * MIN);
      tools.scan(p, station, 'delivered', at, appOf(carrier, at));
      p.delivered = at;
      // A customer reports a missing item: the courier calls back the next day.
      if (rng.chance(0.015)) reveal(carrier, p, at + rng.range(20, 60) * HOUR);
    }
    const end = out === Infinity ? arrival + 20 * HOUR : out + 30 * MIN;
    const reads = rng.weighted([0, 1, 2, 3, 4], [15, 35, 28, 15, 7]);
    for (let i = 0; i < reads; i++) tools.opRead(p, station, rng.range(arrival - 8 * HOUR, end));
    return p.delivered < Infinity ? p.delivered : undefined;
  };
}
