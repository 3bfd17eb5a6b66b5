import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SECOND_FAMILIES, generateSecondWorld } from './world.ts';

/** The replay contract's table (docs/contracts/replay-events.md): required and optional fields per type. */
type Check = (v: unknown) => boolean;
const str: Check = (v) => typeof v === 'string' && v.length > 0;
const oneOf =
  (...xs: string[]): Check =>
  (v) =>
    typeof v === 'string' && xs.includes(v);
const strings: Check = (v) => Array.isArray(v) && v.every((x) => typeof x === 'string' && x.length > 0);
const actor: Check = (v) => typeof v === 'string' && /^(staff|device|seller):[^\s:]+$/.test(v);
const bare: Check = (v) => typeof v === 'string' && v.length > 0 && !v.includes(':');
const CONTRACT: Record<string, { required: Record<string, Check>; optional: Record<string, Check> }> = {
  staff: { required: { id: bare, role: str }, optional: { team: str, station: bare } },
  device: { required: { id: bare, station: bare, build: str }, optional: { kind: oneOf('scanner', 'courier_app') } },
  parcel: { required: { parcel: bare, customer: bare, station: bare }, optional: { origin: bare, destination: str } },
  scan: {
    required: { device: bare, parcel: bare, station: bare, step: oneOf('inbound', 'sort', 'outbound', 'delivered') },
    optional: {},
  },
  assignment: { required: { parcel: bare, courier: bare }, optional: {} },
  lookup: {
    required: { actor, result: oneOf('ok', 'denied') },
    optional: { parcel: bare, customer: bare, fields: strings },
  },
  reveal: {
    required: { actor, customer: bare, field: str, result: oneOf('ok', 'denied', 'break_glass') },
    optional: { purpose: str, ticket: bare },
  },
  ticket: { required: { id: bare, customer: bare, assignee: bare, status: oneOf('open', 'closed') }, optional: {} },
  review: {
    required: {
      id: bare,
      customer: bare,
      seller: bare,
      rating: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 5,
    },
    optional: { product: str },
  },
  moderation: {
    required: { actor, review: bare, action: oneOf('delete', 'hide', 'restore') },
    optional: { reason: str },
  },
  export: {
    required: { actor, dataset: str, rows: (v) => Number.isInteger(v) && (v as number) >= 0 },
    optional: { recipient: str, fields: strings },
  },
  login: { required: { actor, result: oneOf('ok', 'failed') }, optional: { ip: str } },
};
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Why an event breaks the contract, or undefined. */
function shapeError(e: Record<string, unknown>): string | undefined {
  const spec = CONTRACT[e.type as string];
  if (!spec) return `unknown type ${String(e.type)}`;
  if (typeof e.at !== 'string' || !ISO_MS.test(e.at) || new Date(e.at).toISOString() !== e.at)
    return `bad at ${String(e.at)}`;
  for (const [k, ok] of Object.entries(spec.required)) if (!ok(e[k])) return `${e.type}: bad or missing ${k}`;
  for (const [k, v] of Object.entries(e)) {
    if (k === 'type' || k === 'at' || k in spec.required) continue;
    const ok = spec.optional[k];
    if (!ok) return `${e.type}: field ${k} is not in the contract`;
    if (!ok(v)) return `${e.type}: bad ${k}`;
  }
  return undefined;
}

const small = { days: 4, stations: 6 };

/** The actors an event names: its actor, a ticket's assignee, an assignment's courier, a scan's device. */
function named(e: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (typeof e.actor === 'string') out.push(e.actor);
  if (e.type === 'ticket') out.push(`staff:${e.assignee as string}`);
  if (e.type === 'assignment') out.push(`staff:${e.courier as string}`);
  if (e.type === 'scan') out.push(`device:${e.device as string}`);
  return out;
}
const ORDINARY = /^(staff:(u|c)-\d{3}|device:(sc-\d{4}|ca-\d{5}))$/;

describe('second world', () => {
  it('gives the same world for the same seed', () => {
    const a = generateSecondWorld({ seed: 7, ...small });
    const b = generateSecondWorld({ seed: 7, ...small });
    assert.equal(a.events.length, b.events.length);
    assert.deepEqual(a.truth, b.truth);
    assert.equal(JSON.stringify(a.events), JSON.stringify(b.events));
  });

  it('gives different worlds for different seeds', () => {
    const a = generateSecondWorld({ seed: 1, ...small });
    const b = generateSecondWorld({ seed: 2, ...small });
    assert.notEqual(JSON.stringify(a.events.slice(0, 2000)), JSON.stringify(b.events.slice(0, 2000)));
    assert.notDeepEqual(a.truth, b.truth);
  });

  it('writes only contract shapes, in the window, and every actor and device is introduced', () => {
    const start = '2026-05-04T00:00:00Z';
    const { events } = generateSecondWorld({ seed: 5, ...small, start });
    const errors = new Map<string, number>();
    const staff = new Set<string>();
    const devices = new Set<string>();
    for (const e of events) {
      const err = shapeError(e);
      if (err) errors.set(err, (errors.get(err) ?? 0) + 1);
      if (e.type === 'staff') staff.add(e.id as string);
      if (e.type === 'device') devices.add(e.id as string);
    }
    assert.deepEqual([...errors.entries()], []);
    const lo = Date.parse(start);
    const hi = lo + small.days * 86_400_000;
    for (const e of events) {
      const t = Date.parse(e.at as string);
      assert.ok(t >= lo && t < hi, `event outside the window: ${e.at as string}`);
    }
    for (const e of events) {
      if (typeof e.actor === 'string' && e.actor.startsWith('staff:'))
        assert.ok(staff.has(e.actor.slice(6)), `unknown staff ${e.actor}`);
      if (typeof e.actor === 'string' && e.actor.startsWith('device:'))
        assert.ok(devices.has(e.actor.slice(7)), `unknown device ${e.actor}`);
      if (e.type === 'scan') assert.ok(devices.has(e.device as string), `scan by unknown device ${e.device as string}`);
      if (e.type === 'assignment')
        assert.ok(staff.has(e.courier as string), `assignment to unknown courier ${e.courier as string}`);
    }
    for (const type of Object.keys(CONTRACT))
      assert.ok(
        events.some((e) => e.type === type),
        `no ${type} event`,
      );
  });

  it('plants truth actors that act in the world under ordinary ids, after the first two days', () => {
    const start = '2026-05-04T00:00:00Z';
    const { events, truth } = generateSecondWorld({ seed: 3, days: 6, stations: 8, start });
    assert.ok(truth.length >= SECOND_FAMILIES.length - 1);
    const firstBy = new Map<string, string>();
    const benign = new Set<string>();
    for (const e of events) {
      for (const a of named(e)) {
        if (!firstBy.has(a)) firstBy.set(a, e.at as string);
        benign.add(a);
      }
    }
    for (const t of truth) {
      assert.ok(SECOND_FAMILIES.includes(t.family as (typeof SECOND_FAMILIES)[number]), t.family);
      assert.ok(benign.has(t.actor), `${t.actor} never acts`);
      assert.match(t.actor, ORDINARY);
      assert.doesNotMatch(t.actor, /attack|evil|bad|mal|x-/i);
      assert.ok(Date.parse(t.start) >= Date.parse(start) + 2 * 86_400_000, `${t.family} starts too early`);
      assert.ok(
        events.some((e) => e.at === t.start && named(e).includes(t.actor)),
        `${t.actor} has no event at its start`,
      );
      // an insider was there before the attack: their first event precedes its start
      assert.ok(firstBy.get(t.actor)! <= t.start);
    }
    // ordinary ids: the same shapes as everybody else's
    const ids = [...benign].filter((a) => a.startsWith('staff:') || a.startsWith('device:'));
    assert.ok(ids.filter((a) => ORDINARY.test(a)).length / ids.length > 0.97);
  });

  it('plants every family with both variants across seeds 1..10', () => {
    const seen = new Map<string, Set<string>>();
    for (let seed = 1; seed <= 10; seed++) {
      for (const t of generateSecondWorld({ seed, days: 4, stations: 5 }).truth) {
        (seen.get(t.family) ?? seen.set(t.family, new Set()).get(t.family)!).add(t.variant);
      }
    }
    for (const f of SECOND_FAMILIES) assert.deepEqual([...(seen.get(f) ?? [])].sort(), ['fast', 'low-and-slow'], f);
    assert.ok(SECOND_FAMILIES.length >= 8);
  });

  it('makes 14 days x 16 stations a 300k-700k event world, every family planted, in well under 30 s', () => {
    // CPU time, not wall time: the machine is shared, and the budget is "on one core"
    const c0 = process.cpuUsage();
    const { events, truth } = generateSecondWorld({ seed: 1, days: 14, stations: 16 });
    const used = process.cpuUsage(c0);
    const s = (used.user + used.system) / 1e6;
    assert.ok(events.length >= 300_000 && events.length <= 700_000, `${events.length} events`);
    assert.ok(s < 20, `${s.toFixed(1)} s of CPU`);
    const families = new Set(truth.map((t) => t.family));
    for (const f of SECOND_FAMILIES) assert.ok(families.has(f), `${f} not planted`);
    for (const f of SECOND_FAMILIES)
      assert.ok(truth.filter((t) => t.family === f).length <= (f === 'spread-thin' ? 5 : 2), f);
    for (let i = 1; i < events.length; i++) assert.ok((events[i - 1]!.at as string) <= (events[i]!.at as string));
  });
});
