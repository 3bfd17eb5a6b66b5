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
export const SECOND_FAMILIES: readonly (keyof typeof PLANTERS)[] = Object.freeze(Object.keys(PLANTERS) as (keyof typeof PLANTERS)[]);

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
  if (!Number.isInteger(opts.days) || opts.days < 3 || opts.days > 60) throw new Error('days must be an integer from 3 to 60');
  if (!Number.isInteger(opts.stations) || opts.stations < 2 || opts.stations > 64) throw new Error('stations must be an integer from 2 to 64');
  const clock = new Clock(opts.start ?? '2026-05-04T00:00:00Z', opts.days);
  const root = new Rng(opts.seed);
  const w: World = {
    rng: root.fork(), clock, sink: new Sink(), sites: [], siteById: new Map(), devices: [], people: [], parcels: [],
    stationDay: new Map(), hubScans: new Map(), tickets: [], reviews: [], sellers: [],
    counters: { ticket: 40_000 + root.int(0, 9_000), review: 700_000 + root.int(0, 90_000), customer: 200_000 + root.int(0, 50_000), device: 0 },
    builds: new Set(), used: new Set(),
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
  const idx: number[] = [];
  for (let i = 0; i < ts.length; i++) if (ts[i]! >= w.clock.start && ts[i]! < w.clock.end) idx.push(i);
  idx.sort((a, b) => ts[a]! - ts[b]! || a - b);
  return idx.map((i) => {
    const o = os[i]!;
    return { type: o.type, at: new Date(ts[i]!).toISOString(), ...o };
  });
}
