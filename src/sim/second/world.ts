/**
 * The second world: a delivery company's traffic written from the description of how the company
 * works (docs/detection/second-world-spec.md), with attackers planted among ordinary staff and
 * devices. Deterministic for a seed.
 */
import { breakGlassAbuse, dataSeller, harvestingCourier, harvestingScanner, reviewBroker } from './attacks.ts';
import { Clock, Sink, type World } from './model.ts';
import { buildScanners, buildSites, emitDevices, replaceBroken, rollOut } from './network.ts';
import { runAnalysts, runEngineers, runReviews, runSupport } from './office.ts';
import { runOperators } from './ops.ts';
import { indexDevices, runParcels } from './parcels.ts';
import { buildPeople, emitLogins, emitStaff } from './people.ts';
import { Planter, type Truth, type Variant } from './plant.ts';
import { accountTakeover, ownStationSweep, spreadThin, ticketCover } from './redteam.ts';
import { Rng } from './rng.ts';

export type { Truth, Variant } from './plant.ts';

const PLANTERS = {
  'harvesting-scanner': harvestingScanner,
  'harvesting-courier': harvestingCourier,
  'review-broker': reviewBroker,
  'data-seller': dataSeller,
  'break-glass-abuse': breakGlassAbuse,
  'ticket-cover': ticketCover,
  'own-station-sweep': ownStationSweep,
  'spread-thin': spreadThin,
  'account-takeover': accountTakeover,
} as const;

/** Every family the generator can plant: the brief's five, then the red team's. */
export const SECOND_FAMILIES: readonly (keyof typeof PLANTERS)[] = Object.freeze(
  Object.keys(PLANTERS) as (keyof typeof PLANTERS)[],
);

/** Families that may get a second attacker in a larger world. */
const DOUBLED = new Set(['harvesting-scanner', 'harvesting-courier', 'break-glass-abuse']);

export interface SecondWorldOptions {
  seed: number;
  days: number;
  stations: number;
  /** ISO start of the window; default 2026-05-04T00:00:00Z, a Monday (07:00 in UTC+7). */
  start?: string;
}

export interface SecondWorld {
  events: Record<string, unknown>[];
  truth: Truth[];
}

/**
 * Generates the world's events (sorted by time) and the truth about who is malicious.
 *
 * @example
 * const { events, truth } = generateSecondWorld({ seed: 3, days: 14, stations: 16 });
 */
export function generateSecondWorld(opts: SecondWorldOptions): SecondWorld {
  if (!Number.isInteger(opts.seed)) throw new Error('seed must be an integer');
  if (!Number.isInteger(opts.days) || opts.days < 3 || opts.days > 60)
    throw new Error('days must be an integer from 3 to 60');
  if (!Number.isInteger(opts.stations) || opts.stations < 2 || opts.stations > 64)
    throw new Error('stations must be an integer from 2 to 64');
  const clock = new Clock(opts.start ?? '2026-05-04T00:00:00Z', opts.days);
  const root = new Rng(opts.seed);
  const w: World = {
    rng: root.fork(),
    clock,
    sink: new Sink(),
    sites: [],
    siteById: new Map(),
    devices: [],
    people: [],
    parcels: [],
    stationDay: new Map(),
    hubScans: new Map(),
    tickets: [],
    reviews: [],
    sellers: [],
    counters: {
      ticket: 40_000 + root.int(0, 9_000),
      review: 700_000 + root.int(0, 90_000),
      customer: 200_000 + root.int(0, 50_000),
      device: 0,
    },
    builds: new Set(),
    used: new Set(),
  };
  // each part draws from its own stream, so that changing one part leaves the others' draws alone
  const part = <T>(fn: () => T): T => {
    w.rng = root.fork();
    return fn();
  };
  part(() => buildSites(w, opts.stations));
  part(() => buildScanners(w));
  part(() => buildPeople(w, opts.stations));
  part(() => rollOut(w, 'scanner'));
  part(() => rollOut(w, 'courier_app'));
  part(() => replaceBroken(w));
  part(() => emitStaff(w));
  part(() => emitLogins(w));
  const ix = indexDevices(w);
  part(() => runParcels(w, ix));
  w.parcels.sort((a, b) => a.created - b.created);
  for (const list of w.hubScans.values()) list.sort((a, b) => a.t - b.t);
  part(() => runOperators(w));
  part(() => runSupport(w));
  part(() => runReviews(w));
  part(() => runAnalysts(w));
  part(() => runEngineers(w));

  const pl = new Planter(w);
  const plan = root.fork();
  for (const family of SECOND_FAMILIES) {
    const copies = DOUBLED.has(family) && opts.stations >= 12 && plan.chance(0.35) ? 2 : 1;
    for (let k = 0; k < copies; k++) {
      const variant: Variant = plan.chance(0.5) ? 'fast' : 'low-and-slow';
      w.rng = plan.fork();
      PLANTERS[family](w, pl, variant);
    }
  }
  part(() => emitDevices(w));
  return { events: finish(w), truth: pl.truth() };
}

/** Drops what falls outside the window, sorts by time (stable) and writes `at`. */
function finish(w: World): Record<string, unknown>[] {
  const { ts, os } = w.sink;
  const { start, end } = w.clock;
  let order: number[];
  if (ts.length < 2 ** 20 && end - start < 2 ** 33) {
    // one packed key per event (time since start, then insertion order), sorted as numbers
    const keys = new Float64Array(ts.length);
    let n = 0;
    for (let i = 0; i < ts.length; i++) if (ts[i]! >= start && ts[i]! < end) keys[n++] = (ts[i]! - start) * 2 ** 20 + i;
    const sorted = keys.subarray(0, n).sort();
    order = Array.from(sorted, (k) => k % 2 ** 20);
  } else {
    order = [];
    for (let i = 0; i < ts.length; i++) if (ts[i]! >= start && ts[i]! < end) order.push(i);
    order.sort((a, b) => ts[a]! - ts[b]! || a - b);
  }
  const out: Record<string, unknown>[] = new Array(order.length);
  const days = new Map<number, string>();
  // parcels, tickets and reviews are numbered by the systems that create them, in time order
  const parcels = renumber('p-', 3_000_000 + w.rng.int(0, 2_000_000));
  const tickets = renumber('t-', 40_000 + w.rng.int(0, 9_000));
  const reviews = renumber('r-', 700_000 + w.rng.int(0, 90_000));
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const o = os[i]!;
    o.at = iso(ts[i]!, days);
    if (typeof o.parcel === 'string') o.parcel = parcels(o.parcel);
    if (o.type === 'ticket') o.id = tickets(o.id as string);
    else if (o.type === 'reveal' && typeof o.ticket === 'string') o.ticket = tickets(o.ticket);
    else if (o.type === 'review') o.id = reviews(o.id as string);
    else if (o.type === 'moderation') o.review = reviews(o.review as string);
    out[k] = o;
  }
  return out;
}

/** Maps ids to fresh sequential ones in order of first use. */
function renumber(prefix: string, from: number): (id: string) => string {
  const m = new Map<string, string>();
  let next = from;
  return (id) => {
    let v = m.get(id);
    if (v === undefined) {
      v = `${prefix}${next++}`;
      m.set(id, v);
    }
    return v;
  };
}

/** toISOString, with the date part cached per UTC day. */
function iso(t: number, days: Map<number, string>): string {
  const day = Math.floor(t / 86_400_000);
  let prefix = days.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
    days.set(day, prefix);
  }
  let ms = t - day * 86_400_000;
  const h = Math.floor(ms / 3_600_000);
  ms -= h * 3_600_000;
  const m = Math.floor(ms / 60_000);
  ms -= m * 60_000;
  const sec = Math.floor(ms / 1000);
  ms -= sec * 1000;
  return `${prefix}${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${sec < 10 ? '0' : ''}${sec}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}
