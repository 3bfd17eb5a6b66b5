/** Shared types of the second world: time, the event sink, the network, the people and their records. */
import type { Rng } from './rng.ts';

export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
/** The company works in UTC+7. */
export const LOCAL_OFFSET = 7 * HOUR;

export type Obj = Record<string, unknown>;

/** Time in the world: day indices count local days from the start's local date. */
export class Clock {
  readonly start: number;
  readonly end: number;
  readonly days: number;
  /** Local midnight of day 0, as a UTC epoch. */
  readonly local0: number;

  constructor(startIso: string, days: number) {
    this.start = Date.parse(startIso);
    if (!Number.isFinite(this.start)) throw new Error(`start is not an ISO time: ${startIso}`);
    this.days = days;
    this.end = this.start + days * DAY;
    const localStart = this.start + LOCAL_OFFSET;
    this.local0 = localStart - (localStart % DAY) - LOCAL_OFFSET;
  }

  /** UTC epoch of local hour h (may exceed 24) on day d. */
  at(d: number, h: number): number {
    return this.local0 + d * DAY + h * HOUR;
  }

  dayOf(t: number): number {
    return Math.floor((t - this.local0) / DAY);
  }

  /** Local hour of day in [0, 24). */
  hourOf(t: number): number {
    return ((((t - this.local0) % DAY) + DAY) % DAY) / HOUR;
  }

  /** 0 = Monday ... 6 = Sunday, of local day d. */
  weekday(d: number): number {
    const w = new Date(this.local0 + LOCAL_OFFSET + d * DAY + 12 * HOUR).getUTCDay();
    return (w + 6) % 7;
  }

  /** Number of local days the world touches (the last may be partial). */
  get localDays(): number {
    return this.dayOf(this.end - 1) + 1;
  }
}

/** Collects events with their epoch times; `at` is written once, at the end. */
export class Sink {
  readonly ts: number[] = [];
  readonly os: Obj[] = [];

  push(t: number, o: Obj): void {
    this.ts.push(Math.round(t));
    this.os.push(o);
  }
}

export interface Site {
  id: string;
  kind: 'hub' | 'station';
  region: number;
  /** The hub that feeds a station (a hub's own id for a hub). */
  hub: string;
  /** Daily parcels created for a station (hubs: 0). */
  volume: number;
  /** Runs a night shift (every hub, a few stations). */
  night: boolean;
  /** Office network prefix, e.g. 10.41.2 */
  net: string;
  customers: string[];
}

export interface BuildChange {
  t: number;
  build: string;
}

export interface Device {
  id: string;
  kind: 'scanner' | 'courier_app';
  site: string;
  from: number;
  to: number;
  /** Clock skew in ms. */
  skew: number;
  /** How much of the site's scanning it does. */
  weight: number;
  builds: BuildChange[];
  /** The courier who carries it (courier apps). */
  owner?: string;
}

export type Shift = 'day' | 'night';

export interface Person {
  id: string;
  role: string;
  team?: string;
  /** Station or hub per day index (undefined: no station). */
  siteByDay: (string | undefined)[];
  shift: Shift;
  /** Busy factor around 1. */
  pace: number;
  joinDay: number;
  /** First day with no more events (days when staying). */
  leaveDay: number;
  /** Days off (rest days and leave). */
  off: boolean[];
  /** Changes of station: day index -> new site. */
  moves: { day: number; site: string }[];
  homeIp: string;
  /** Quirk: share of days signed in from home. */
  homeShare: number;
  /** Has no changes of life in the window (join, move, leave, long leave): eligible to be planted. */
  steady: boolean;
  /** Courier: share of parcels whose customer is called before delivery. */
  callShare: number;
}

export interface Parcel {
  id: string;
  customer: string;
  /** Final delivery station. */
  station: string;
  /** The station first routed to (differs when re-routed). */
  first: string;
  /** Origin hub (none for local deliveries). */
  origin?: string;
  created: number;
  /** Inbound scan at the final station (NaN if it never gets there in the window). */
  arrive: number;
  courier?: string;
  delivered?: number;
}

export interface TicketRec {
  id: string;
  customer: string;
  assignee: string;
  team: string;
  open: number;
  close: number;
}

export interface ReviewRec {
  id: string;
  customer: string;
  seller: string;
  rating: number;
  t: number;
}

export interface Counters {
  ticket: number;
  review: number;
  customer: number;
  device: number;
}

/** Everything the parts of the generator share. */
export interface World {
  rng: Rng;
  clock: Clock;
  sink: Sink;
  sites: Site[];
  siteById: Map<string, Site>;
  devices: Device[];
  people: Person[];
  parcels: Parcel[];
  /** Parcels relevant to a station on a day (arriving, expected or delivering), key `${station}|${day}`. */
  stationDay: Map<string, Parcel[]>;
  /** Hub scans in time order, per hub. */
  hubScans: Map<string, { t: number; parcel: Parcel }[]>;
  tickets: TicketRec[];
  reviews: ReviewRec[];
  sellers: string[];
  counters: Counters;
  /** Every build any device ran (so a planted build can be unique). */
  builds: Set<string>;
  /** Ids handed out so far (all kinds), to keep them unique. */
  used: Set<string>;
}

/** A fresh id `${prefix}${n}` with n drawn in [lo, hi], zero-padded to the width of hi. */
export function freshId(w: World, prefix: string, lo: number, hi: number): string {
  const width = String(hi).length;
  for (;;) {
    const id = prefix + String(w.rng.int(lo, hi)).padStart(width, '0');
    if (!w.used.has(id)) {
      w.used.add(id);
      return id;
    }
  }
}

/** Is the person at work on day d (employed, not off)? */
export function works(p: Person, d: number): boolean {
  return d >= p.joinDay && d < p.leaveDay && !p.off[d];
}

/** The shift window [from, to) of a person on day d. */
export function shiftOf(w: World, p: Person, d: number): [number, number] {
  if (p.shift === 'night') return [w.clock.at(d, 19), w.clock.at(d, 31)];
  if (
    p.role === 'support' ||
    p.role === 'analyst' ||
    p.role === 'engineer' ||
    p.role === 'admin' ||
    p.role === 'moderator'
  ) {
    // office roles: a personal start between 08:00 and 10:00, nine hours
    const s = 8 + (hashId(p.id) % 5) / 2;
    return [w.clock.at(d, s), w.clock.at(d, s + 9)];
  }
  return [w.clock.at(d, 7), w.clock.at(d, 19)];
}

export function hashId(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** A device of a site in use at time t, by weight; undefined if none. */
export function deviceAt(w: World, list: Device[], t: number): Device | undefined {
  let total = 0;
  for (const d of list) if (d.from <= t && t < d.to) total += d.weight;
  if (total === 0) return undefined;
  let r = w.rng.next() * total;
  for (const d of list) {
    if (d.from <= t && t < d.to) {
      r -= d.weight;
      if (r < 0) return d;
    }
  }
  return undefined;
}

export function dayKey(station: string, d: number): string {
  return `${station}|${d}`;
}
