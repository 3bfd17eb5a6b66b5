import { DAY, HOUR, type Culprit } from './clock.ts';
import type { Ctx, Parcel, Traffic } from './context.ts';
import type { Device } from './network.ts';
import { shiftWindow, works, type Person, type Role } from './people.ts';
import type { Rng } from './rng.ts';
import type { Habit } from './office.ts';

export type Variant = Culprit['variant'];

/** What an attack is planted into: the world, its traffic, and who is already taken. */
export type Stage = Ctx & {
  readonly traffic: Traffic;
  readonly habits: Habit[];
  readonly culprits: Culprit[];
  /** Actors already planted (one person or device plays one attack at most). */
  readonly taken: Set<string>;
  /** Parcels by creation time, for "what was live then". */
  readonly byCreated: Parcel[];
};

/** Registers a malicious actor; its `first` is filled in as its events are emitted. */
export function enlist(stage: Stage, actor: string, family: string, variant: Variant): Culprit {
  const c: Culprit = { actor, family, variant, first: Infinity };
  stage.culprits.push(c);
  stage.taken.add(actor);
  return c;
}

/** A random start after the first two days, leaving room for the variant to play out. */
export function attackStart(rng: Rng, stage: Stage, variant: Variant): number {
  const { cal } = stage;
  const earliest = cal.start + 2 * DAY + HOUR;
  const room = variant === 'fast' ? 0.7 * DAY : Math.max(0.9 * DAY, 0.45 * (cal.days - 2) * DAY);
  const latest = Math.max(earliest, cal.end - room);
  return rng.range(earliest, latest);
}

/** A person of one of `roles` with no churn in the world and not yet planted. */
export function pickPerson(rng: Rng, stage: Stage, roles: Role[], where?: (p: Person) => boolean): Person | undefined {
  const pool = stage.roster.people.filter(
    (p) => roles.includes(p.role) && p.stable && !stage.taken.has(`staff:${p.id}`) && (!where || where(p)),
  );
  return pool.length > 0 ? rng.pick(pool) : undefined;
}

/** A scanner in service for the whole world, not yet planted. */
export function pickScanner(rng: Rng, stage: Stage, where: (d: Device) => boolean): Device | undefined {
  const pool = stage.net.devices.filter(
    (d) =>
      d.kind === 'scanner' &&
      d.from === -Infinity &&
      d.until === Infinity &&
      !stage.taken.has(`device:${d.id}`) &&
      where(d),
  );
  return pool.length > 0 ? rng.pick(pool) : undefined;
}

/** Parcels created in [from, to) that pass `keep`. */
export function parcelsCreated(stage: Stage, from: number, to: number, keep: (p: Parcel) => boolean): Parcel[] {
  const list = stage.byCreated;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as Parcel).created < from) lo = mid + 1;
    else hi = mid;
  }
  const out: Parcel[] = [];
  for (let i = lo; i < list.length && (list[i] as Parcel).created < to; i++)
    if (keep(list[i] as Parcel)) out.push(list[i] as Parcel);
  return out;
}

/** The local day indices of the world from the day of `from` on. */
export function daysFrom(stage: Stage, from: number): number[] {
  const out: number[] = [];
  for (let d = stage.cal.dayOf(from); d < stage.cal.days; d++) out.push(d);
  return out;
}

/** The first time at or after `t0` whose local hour falls in [fromHour, toHour) (toHour may pass 24); `t0` itself if that is past the world's end. */
export function nextWindow(stage: Stage, rng: Rng, t0: number, fromHour: number, toHour: number): number {
  const { cal } = stage;
  for (let d = cal.dayOf(t0) - 1; d <= cal.dayOf(t0) + 1; d++) {
    const lo = cal.at(d, fromHour);
    const hi = cal.at(d, toHour);
    if (hi <= t0) continue;
    const ms = rng.range(Math.max(lo, t0), hi);
    return ms < cal.end - HOUR ? ms : t0;
  }
  return t0;
}

/** Whether `p` has a shift that ends after `t0` (plus an hour) and starts before the world ends. */
export function worksAfter(stage: Stage, p: Person, t0: number): boolean {
  return daysFrom(stage, t0 - DAY).some((d) => {
    if (!works(stage.cal, p, d)) return false;
    const [from, to] = shiftWindow(stage.cal, p, d);
    return to > t0 + HOUR && from < stage.cal.end - HOUR;
  });
}
