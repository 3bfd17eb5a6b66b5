import type { Rng } from './rng.ts';

export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
/** The company runs on UTC+7: "08:00" below always means local time. */
export const LOCAL_OFFSET = 7 * HOUR;

/** The world's calendar: day `d` is the d-th local date from the start. */
export type Calendar = {
  readonly start: number;
  readonly end: number;
  readonly days: number;
  /** UTC ms of `hour` (may exceed 24) local time on local day `d`. */
  at(d: number, hour: number): number;
  /** Local hour of day (0–24, fractional) of a UTC instant. */
  localHour(ms: number): number;
  /** Local day index of a UTC instant. */
  dayOf(ms: number): number;
  /** Local weekday of day `d` (0 Sunday … 6 Saturday). */
  weekday(d: number): number;
  /** Local day of month of day `d`. */
  dayOfMonth(d: number): number;
};

/** Builds the calendar for a world that starts at `start` (UTC ms) and runs `days` days. */
export function createCalendar(start: number, days: number): Calendar {
  const localMidnight0 = Math.floor((start + LOCAL_OFFSET) / DAY) * DAY - LOCAL_OFFSET;
  const local = (d: number) => new Date(localMidnight0 + d * DAY + LOCAL_OFFSET);
  return {
    start,
    end: start + days * DAY,
    days,
    at: (d, hour) => localMidnight0 + d * DAY + hour * HOUR,
    localHour: (ms) => ((((ms + LOCAL_OFFSET) % DAY) + DAY) % DAY) / HOUR,
    dayOf: (ms) => Math.floor((ms - localMidnight0) / DAY),
    weekday: (d) => local(d).getUTCDay(),
    dayOfMonth: (d) => local(d).getUTCDate(),
  };
}

/** A malicious actor while it is being planted; `first` becomes the truth's start. */
export type Culprit = {
  readonly actor: string;
  readonly family: string;
  readonly variant: 'fast' | 'low-and-slow';
  first: number;
};

/** Collects events inside the world's window; events outside it are dropped, as a real capture would. */
export type Sink = {
  /** Records one event at `ms`; when `culprit` is given and the event falls inside the window, it counts as malicious. */
  emit(ms: number, type: string, fields: Record<string, unknown>, culprit?: Culprit): boolean;
  /** The events sorted by time, `type` and `at` first. */
  drain(): Record<string, unknown>[];
};

/** Creates the sink for the window [start, end). */
export function createSink(cal: Calendar): Sink {
  const times: number[] = [];
  const rows: Record<string, unknown>[] = [];
  return {
    emit(ms, type, fields, culprit) {
      const t = Math.round(ms);
      if (t < cal.start || t >= cal.end) return false;
      times.push(t);
      rows.push({ type, at: t, ...fields });
      if (culprit && t < culprit.first) culprit.first = t;
      return true;
    },
    drain() {
      const order = rows.map((_, i) => i).sort((x, y) => (times[x] as number) - (times[y] as number) || x - y);
      return order.map((i) => {
        const row = rows[i] as Record<string, unknown>;
        row.at = new Date(times[i] as number).toISOString();
        return row;
      });
    },
  };
}

/** Hands out opaque, unique ids that carry no order and no meaning. */
export type Ids = {
  /** `prefix` followed by `digits` random digits, unique across the world. */
  next(prefix: string, digits: number): string;
};

/** Creates the id allocator. */
export function createIds(rng: Rng): Ids {
  const used = new Set<string>();
  return {
    next(prefix, digits) {
      for (;;) {
        let s = prefix;
        for (let i = 0; i < digits; i++) s += String(i === 0 ? rng.int(1, 9) : rng.int(0, 9));
        if (!used.has(s)) {
          used.add(s);
          return s;
        }
      }
    },
  };
}
