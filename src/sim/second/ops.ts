/** Station and hub operators reading the masked records of the parcels they handle, all shift long. */
import { hubsOf, neighbours, stationsOf } from './network.ts';
import { crewOn } from './people.ts';
import { MIN, SEC, dayKey, type Obj, type Parcel, type Person, type World } from './model.ts';

const OP_FIELDS: string[][] = [
  ['route', 'masked_name'],
  ['route'],
  ['masked_name', 'masked_address'],
  ['route', 'masked_name', 'masked_phone'],
];

/**
 * A staff read, with the benign failures: now and then the session has expired (denied, a
 * sign-in, the same read again); on a new joiner's first day the grant may not be there yet.
 */
export function staffRead(w: World, p: Person, t: number, fields: Obj): void {
  const { rng } = w;
  const actor = `staff:${p.id}`;
  if (rng.chance(0.003) || (w.clock.dayOf(t) === p.joinDay && p.joinDay > 0 && rng.chance(0.15))) {
    w.sink.push(t, { type: 'lookup', actor, ...fields, result: 'denied' });
    const again = t + rng.range(20 * SEC, 6 * MIN);
    w.sink.push(again - rng.range(3 * SEC, 15 * SEC), {
      type: 'login',
      actor,
      result: 'ok',
      ip: `${w.siteById.get(p.siteByDay[w.clock.dayOf(t)] ?? '')?.net ?? '10.8.1'}.${rng.int(10, 49)}`,
    });
    w.sink.push(again, { type: 'lookup', actor, ...fields, result: 'ok' });
    return;
  }
  w.sink.push(t, { type: 'lookup', actor, ...fields, result: 'ok' });
}

export function runOperators(w: World): void {
  const { rng, clock } = w;
  const stations = stationsOf(w);
  for (let d = 0; d < clock.localDays; d++) {
    for (const s of stations) {
      const own = w.stationDay.get(dayKey(s.id, d)) ?? [];
      for (const shift of s.night ? (['day', 'night'] as const) : (['day'] as const)) {
        const crew = crewOn(w, 'station_operator', s.id, d, shift);
        const sum = crew.reduce((a, p) => a + p.pace, 0);
        const total = own.length * (shift === 'day' ? 0.55 : 0.3);
        for (const op of crew) {
          let cand = own;
          const r = rng.next();
          if (r < 0.03) {
            // helping a neighbouring station of the region for the day
            const near = neighbours(w, s);
            if (near.length > 0) cand = w.stationDay.get(dayKey(rng.pick(near).id, d)) ?? own;
          } else if (r < 0.04) {
            // covering for a sick colleague elsewhere: nothing records it
            cand = w.stationDay.get(dayKey(rng.pick(stations).id, d)) ?? own;
          }
          const n = rng.poisson((total * op.pace) / sum);
          readThrough(w, op, d, cand, n);
        }
      }
      // someone at the counter asks about a parcel that is not this station's
      const day = crewOn(w, 'station_operator', s.id, d, 'day');
      for (let k = rng.poisson(1.2); k > 0 && day.length > 0; k--) {
        const other = w.stationDay.get(dayKey(rng.pick(stations).id, d));
        if (!other || other.length === 0) continue;
        const p = rng.pick(other);
        const t = Math.max(p.created + MIN, clock.at(d, rng.range(9, 18)));
        staffRead(w, rng.pick(day), t, { parcel: p.id, fields: ['route', 'masked_name'] });
      }
    }
    for (const h of hubsOf(w)) {
      const scans = w.hubScans.get(h.id) ?? [];
      for (const shift of ['day', 'night'] as const) {
        const crew = crewOn(w, 'station_operator', h.id, d, shift);
        if (crew.length === 0) continue;
        const from = clock.at(d, shift === 'day' ? 7 : 19);
        const to = from + 12 * 60 * MIN;
        const lo = lowerBound(scans, from);
        const hi = lowerBound(scans, to);
        if (hi <= lo) continue;
        const sum = crew.reduce((a, p) => a + p.pace, 0);
        for (const op of crew) {
          const n = rng.poisson(((hi - lo) * 0.05 * op.pace) / sum);
          for (let k = 0; k < n; k++) {
            const sc = scans[rng.int(lo, hi - 1)]!;
            staffRead(w, op, sc.t + rng.range(0.5, 40) * MIN, { parcel: sc.parcel.id, fields: rng.pick(OP_FIELDS) });
          }
        }
      }
    }
  }
}

/** n reads of a list of parcels spread over the operator's shift (never before a parcel exists). */
export function readThrough(w: World, op: Person, d: number, cand: Parcel[], n: number, fields?: string[]): void {
  const { rng, clock } = w;
  if (cand.length === 0) return;
  const from = clock.at(d, op.shift === 'night' ? 19 : 7);
  const to = from + 12 * 60 * MIN;
  // each person has a favourite view of the record
  const habit = OP_FIELDS[op.id.charCodeAt(op.id.length - 1) % OP_FIELDS.length]!;
  for (let k = 0; k < n; k++) {
    const p = rng.pick(cand);
    const lo = Math.max(from, p.created + MIN);
    if (lo >= to) continue;
    const t = lo + rng.next() * (to - lo);
    staffRead(w, op, t, { parcel: p.id, fields: fields ?? (rng.chance(0.7) ? habit : rng.pick(OP_FIELDS)) });
  }
}

function lowerBound(xs: { t: number }[], t: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (xs[m]!.t < t) lo = m + 1;
    else hi = m;
  }
  return lo;
}
