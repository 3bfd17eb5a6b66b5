import { DAY, HOUR, MIN, SEC } from './clock.ts';
import { buildHash } from './network.ts';
import { shiftWindow, siteOf, works } from './people.ts';
import {
  attackStart,
  daysFrom,
  enlist,
  nextWindow,
  parcelsCreated,
  pickPerson,
  pickScanner,
  worksAfter,
  type Stage,
  type Variant,
} from './plant.ts';
import type { Rng } from './rng.ts';

const CONTACT = ['phone', 'address', 'email', 'name'];

/**
 * `harvesting-scanner`: a station scanner, usually freshly updated to a build no other device
 * runs, looks up parcels it never scanned and that were never routed to its station: fast, a
 * burst or two in the small hours; low-and-slow, tens a day mixed into its ordinary lookups.
 */
export function harvestingScanner(stage: Stage, rng: Rng, variant: Variant): boolean {
  const { cal, sink } = stage;
  const dev = pickScanner(rng, stage, (d) => stage.net.sites.get(d.site)!.kind === 'station');
  if (!dev) return false;
  const bad = enlist(stage, `device:${dev.id}`, 'harvesting-scanner', variant);
  const infected = attackStart(rng, stage, variant);
  if (rng.chance(0.7)) {
    sink.emit(infected, 'device', { id: dev.id, station: dev.site, build: buildHash(rng), kind: 'scanner' }, bad);
  }
  const t0 = infected + rng.range(1, 10) * HOUR;
  const fields = rng.chance(0.5) ? ['route'] : ['route', 'masked_name', 'address'];
  const foreign = (ms: number) =>
    parcelsCreated(stage, ms - 3 * DAY, ms, (p) => !p.routed.includes(dev.site) && !p.visited.has(dev.site));
  const read = (ms: number, id: string) =>
    sink.emit(ms, 'lookup', { actor: `device:${dev.id}`, parcel: id, result: 'ok', fields }, bad);
  if (variant === 'fast') {
    const first = nextWindow(stage, rng, t0, 0.5, 3);
    for (const night of rng.chance(0.5) ? [first] : [first, first + rng.int(1, 2) * DAY]) {
      let ms = night;
      const pool = rng.shuffle(foreign(ms));
      for (let i = Math.min(pool.length, rng.int(150, 400)) - 1; i >= 0; i--) {
        read(ms, pool[i]!.id);
        ms += rng.range(3, 20) * SEC;
      }
    }
  } else {
    for (const d of daysFrom(stage, t0)) {
      const pool = foreign(cal.at(d, 0));
      for (let i = rng.int(15, 40); i > 0 && pool.length > 0; i--) {
        const ms = rng.chance(0.7) ? cal.at(d, rng.range(7, 19)) : cal.at(d, rng.range(19, 31));
        if (ms >= t0) read(ms, rng.pick(pool).id);
      }
    }
  }
  return true;
}

/**
 * `harvesting-courier`: a courier reads parcels and reveals the phones of customers never
 * assigned to them (parcels of colleagues and of neighbouring stations): fast, dozens in one
 * afternoon; low-and-slow, a few a day during their round.
 */
export function harvestingCourier(stage: Stage, rng: Rng, variant: Variant): boolean {
  const { cal, sink } = stage;
  const t0 = attackStart(rng, stage, variant);
  const c = pickPerson(rng, stage, ['courier'], (p) => worksAfter(stage, p, t0));
  if (!c) return false;
  const bad = enlist(stage, `staff:${c.id}`, 'harvesting-courier', variant);
  const home = siteOf(c, cal.start) as string;
  const near = new Set([home, ...stage.net.neighbours(home).map((s) => s.id)]);
  const targets = (ms: number) =>
    parcelsCreated(
      stage,
      ms - 3 * DAY,
      ms,
      (p) => near.has(p.routed[p.routed.length - 1] as string) && !p.couriers.includes(c),
    );
  const harvest = (ms: number, pool: ReturnType<typeof targets>) => {
    const p = rng.pick(pool);
    sink.emit(
      ms,
      'lookup',
      { actor: `staff:${c.id}`, parcel: p.id, result: 'ok', fields: ['route', 'masked_name', 'address'] },
      bad,
    );
    if (rng.chance(0.85)) {
      sink.emit(
        ms + rng.range(20, 120) * SEC,
        'reveal',
        { actor: `staff:${c.id}`, customer: p.customer.id, field: 'phone', purpose: 'delivery', result: 'ok' },
        bad,
      );
    }
  };
  if (variant === 'fast') {
    let ms = nextWindow(stage, rng, t0, 13, 17);
    const pool = targets(ms);
    for (let i = rng.int(40, 80); i > 0 && pool.length > 0; i--) {
      harvest(ms, pool);
      ms += rng.range(1, 6) * MIN;
    }
  } else {
    for (const d of daysFrom(stage, t0)) {
      if (!works(cal, c, d)) continue;
      const pool = targets(cal.at(d, 8));
      for (let i = rng.int(2, 5); i > 0 && pool.length > 0; i--) {
        const ms = cal.at(d, rng.range(8.5, 18));
        if (ms >= t0) harvest(ms, pool);
      }
    }
  }
  return true;
}

/**
 * `review-broker`: a support agent or moderator, paid by one seller, reveals the contact fields
 * of customers who reviewed that seller badly, with no ticket, and hides or deletes those
 * reviews: fast, a day's clean-up; low-and-slow, one or two a day.
 */
export function reviewBroker(stage: Stage, rng: Rng, variant: Variant): boolean {
  const { cal, sink, traffic } = stage;
  const who = pickPerson(rng, stage, rng.chance(0.6) ? ['support'] : ['moderator']);
  if (!who) return false;
  const t0 = attackStart(rng, stage, variant);
  const negative = new Map<string, number>();
  for (const r of traffic.reviews)
    if (r.rating <= 2 && r.at < t0) negative.set(r.seller, (negative.get(r.seller) ?? 0) + 1);
  const seller = [...negative.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  if (!seller) return false;
  const bad = enlist(stage, `staff:${who.id}`, 'review-broker', variant);
  const done = new Set<string>();
  const strike = (ms: number) => {
    const pool = traffic.reviews.filter((r) => r.seller === seller && r.rating <= 2 && r.at < ms && !done.has(r.id));
    if (pool.length === 0) return;
    const r = rng.pick(pool);
    done.add(r.id);
    for (const field of rng.shuffle([...CONTACT]).slice(0, rng.int(1, 2))) {
      sink.emit(
        ms,
        'reveal',
        {
          actor: `staff:${who.id}`,
          customer: r.customer,
          field,
          purpose: 'ticket',
          result: 'ok',
        },
        bad,
      );
      ms += rng.range(10, 60) * SEC;
    }
    ms += rng.range(1, 20) * MIN;
    const action = rng.chance(0.5) ? 'hide' : 'delete';
    sink.emit(
      ms,
      'moderation',
      { actor: `staff:${who.id}`, review: r.id, action, reason: rng.pick(['spam', 'off_topic', 'abuse']) },
      bad,
    );
  };
  if (variant === 'fast') {
    let ms = nextWindow(stage, rng, t0, 9, 16);
    for (let i = rng.int(12, 30); i > 0; i--) {
      strike(ms);
      ms += rng.range(4, 25) * MIN;
    }
  } else {
    for (const d of daysFrom(stage, t0)) {
      for (let i = rng.int(1, 2); i > 0; i--) {
        const ms = cal.at(d, rng.range(8.5, 21));
        if (ms >= t0) strike(ms);
      }
    }
  }
  return true;
}

/**
 * `data-seller`: an analyst exports customers to a recipient nobody uses: fast, one export
 * dozens of times their habit, at night; low-and-slow, several peer-sized exports over many
 * nights to the same new recipient.
 */
export function dataSeller(stage: Stage, rng: Rng, variant: Variant): boolean {
  const { cal, sink } = stage;
  const habits = stage.habits.filter((h) => !stage.taken.has(`staff:${h.analyst.id}`));
  if (habits.length === 0) return false;
  const h = rng.pick(habits);
  const bad = enlist(stage, `staff:${h.analyst.id}`, 'data-seller', variant);
  const recipient = rng.pick([
    'partner-sftp',
    'vendor-kyc',
    'archive-s3',
    'ops-backup',
    'bi-sandbox-ext',
    'media-agency',
  ]);
  const fields = ['customer', 'name', 'phone', 'address', 'orders'];
  const out = (ms: number, rows: number) =>
    sink.emit(
      ms,
      'export',
      { actor: `staff:${h.analyst.id}`, dataset: 'customers', rows: Math.round(rows), recipient, fields },
      bad,
    );
  const t0 = attackStart(rng, stage, variant);
  if (variant === 'fast') {
    const ms = nextWindow(stage, rng, t0, 20, 26);
    out(ms, rng.range(40_000, 120_000));
    if (rng.chance(0.4)) out(ms + rng.range(5, 30) * MIN, rng.range(10_000, 40_000));
  } else {
    const nights = daysFrom(stage, t0).filter((_, i) => i === 0 || rng.chance(0.65));
    for (const d of nights.slice(0, rng.int(5, 9))) {
      out(Math.max(t0, cal.at(d, rng.range(20, 23.5))), Math.min(5000, h.median * rng.range(1, 2.5)));
    }
  }
  return true;
}

/**
 * `break-glass-abuse`: someone breaks the glass on customers with no incident and no ticket
 * after: fast, a dozen in an hour; low-and-slow, one to three a day.
 */
export function breakGlassAbuse(stage: Stage, rng: Rng, variant: Variant): boolean {
  const { cal, sink } = stage;
  const who = pickPerson(rng, stage, ['support', 'analyst', 'engineer', 'admin']);
  if (!who) return false;
  const bad = enlist(stage, `staff:${who.id}`, 'break-glass-abuse', variant);
  const t0 = attackStart(rng, stage, variant);
  const glass = (ms: number) => {
    const pool = parcelsCreated(stage, ms - 5 * DAY, ms, () => true);
    if (pool.length === 0) return;
    const field = rng.pick(['phone', 'address', 'name']);
    sink.emit(
      ms,
      'reveal',
      {
        actor: `staff:${who.id}`,
        customer: rng.pick(pool).customer.id,
        field,
        purpose: 'incident',
        result: 'break_glass',
      },
      bad,
    );
  };
  if (variant === 'fast') {
    const from = nextWindow(stage, rng, t0, 18, 23);
    for (let i = rng.int(10, 16); i > 0; i--) glass(from + rng.range(0, 55) * MIN);
  } else {
    for (const d of daysFrom(stage, t0)) {
      if (!works(cal, who, d) && rng.chance(0.7)) continue;
      const [from, to] = shiftWindow(cal, who, d);
      for (let i = rng.int(1, 3); i > 0; i--) {
        const ms = rng.range(from, to);
        if (ms >= t0) glass(ms);
      }
    }
  }
  return true;
}
