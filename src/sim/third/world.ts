import { createCalendar, createIds, createSink, type Culprit } from './clock.ts';
import type { Ctx, Parcel } from './context.ts';
import { breakGlassAbuse, dataSeller, harvestingCourier, harvestingScanner, reviewBroker } from './attacks.ts';
import { runModeration } from './moderation.ts';
import { buildNetwork, writeDeviceReports } from './network.ts';
import { runAnalysts, runEngineering, runLogins } from './office.ts';
import { runParcels } from './parcels.ts';
import { buildRoster, writeStaff } from './people.ts';
import type { Stage, Variant } from './plant.ts';
import { accountTakeover, handoverClaim, ownStationSweep, spreadThin, ticketCover } from './redteam.ts';
import { createRng, type Rng } from './rng.ts';
import { runSupport } from './support.ts';

export type ThirdWorldOptions = { seed: number; days: number; stations: number; start?: string };
export type TruthEntry = { actor: string; family: string; start: string; variant: Variant };
export type ThirdWorld = { events: Record<string, unknown>[]; truth: TruthEntry[] };

type Plant = (stage: Stage, rng: Rng, variant: Variant) => boolean;

/** The five families of the brief, then the red team's own. */
const FAMILIES: readonly (readonly [string, Plant, boolean])[] = [
  ['harvesting-scanner', harvestingScanner, true],
  ['harvesting-courier', harvestingCourier, true],
  ['review-broker', reviewBroker, true],
  ['data-seller', dataSeller, true],
  ['break-glass-abuse', breakGlassAbuse, true],
  ['ticket-cover', ticketCover, false],
  ['own-station-sweep', ownStationSweep, false],
  ['spread-thin', spreadThin, false],
  ['account-takeover', accountTakeover, false],
  ['handover-claim', handoverClaim, false],
];

/** Every attack family the third world plants. */
export const THIRD_FAMILIES: readonly string[] = FAMILIES.map(([name]) => name);

function validate(opts: ThirdWorldOptions): number {
  if (!Number.isInteger(opts.seed)) throw new RangeError(`seed must be an integer, got ${String(opts.seed)}`);
  if (!Number.isInteger(opts.days) || opts.days < 3 || opts.days > 60)
    throw new RangeError(`days must be an integer from 3 to 60, got ${String(opts.days)}`);
  if (!Number.isInteger(opts.stations) || opts.stations < 2 || opts.stations > 64)
    throw new RangeError(`stations must be an integer from 2 to 64, got ${String(opts.stations)}`);
  const start = Date.parse(opts.start ?? '2026-05-04T00:00:00Z');
  if (Number.isNaN(start)) throw new RangeError(`start must be an ISO 8601 time, got ${String(opts.start)}`);
  return start;
}

/**
 * Generates the third world: a delivery company on UTC+7 with its hubs, stations, devices and
 * staff at work, and attackers planted among them. The same options always give the same world.
 *
 * @example
 * const { events, truth } = generateThirdWorld({ seed: 3, days: 14, stations: 16 });
 */
export function generateThirdWorld(opts: ThirdWorldOptions): ThirdWorld {
  const start = validate(opts);
  const rng = createRng(opts.seed);
  const cal = createCalendar(start, opts.days);
  const ids = createIds(rng.fork('ids'));
  const sink = createSink(cal);
  const net = buildNetwork(rng.fork('network'), ids, cal, opts.stations);
  const roster = buildRoster(rng.fork('people'), ids, cal, net);
  const ctx: Ctx = { rng, cal, ids, sink, net, roster };
  writeDeviceReports(rng.fork('devices'), cal, net, sink);
  writeStaff(rng.fork('staff'), cal, roster, sink);
  const traffic = runParcels(ctx);
  const desk = runSupport(ctx, traffic);
  runModeration(ctx, traffic);
  runLogins(ctx);
  const habits = runAnalysts(ctx, traffic, desk);
  runEngineering(ctx, traffic);

  const byCreated: Parcel[] = [...traffic.parcels].sort((a, b) => a.created - b.created);
  const stage: Stage = { ...ctx, traffic, habits, culprits: [], taken: new Set(), byCreated };
  const planter = rng.fork('attacks');
  const big = opts.stations >= 12 && opts.days >= 10;
  FAMILIES.forEach(([name, plant, brief], i) => {
    const count = brief && big && planter.chance(0.25) ? 2 : 1;
    for (let k = 0; k < count; k++) {
      // Variants alternate with the seed, so that any two consecutive seeds show both.
      const variant: Variant = (((opts.seed + i + k) % 2) + 2) % 2 === 0 ? 'fast' : 'low-and-slow';
      plant(stage, planter.fork(`${name}/${k}`), variant);
    }
  });
  const planted = stage.culprits.filter((c: Culprit) => c.first < Infinity);
  return {
    events: sink.drain(),
    truth: planted.map((c) => ({
      actor: c.actor,
      family: c.family,
      start: new Date(c.first).toISOString(),
      variant: c.variant,
    })),
  };
}
