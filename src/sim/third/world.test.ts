import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateThirdWorld, THIRD_FAMILIES, type ThirdWorld } from './world.ts';

/** The replay contract (docs/contracts/replay-events.md): required and optional fields per type. */
const CONTRACT: Record<string, { required: string[]; optional: string[] }> = {
  staff: { required: ['id', 'role'], optional: ['team', 'station'] },
  device: { required: ['id', 'station', 'build'], optional: ['kind'] },
  parcel: { required: ['parcel', 'customer', 'station'], optional: ['origin', 'destination'] },
  scan: { required: ['device', 'parcel', 'station', 'step'], optional: [] },
  assignment: { required: ['parcel', 'courier'], optional: [] },
  lookup: { required: ['actor', 'result'], optional: ['parcel', 'customer', 'fields'] },
  reveal: { required: ['actor', 'customer', 'field', 'result'], optional: ['purpose', 'ticket'] },
  ticket: { required: ['id', 'customer', 'assignee', 'status'], optional: [] },
  review: { required: ['id', 'customer', 'seller', 'rating'], optional: ['product'] },
  moderation: { required: ['actor', 'review', 'action'], optional: ['reason'] },
  export: { required: ['actor', 'dataset', 'rows'], optional: ['recipient', 'fields'] },
  login: { required: ['actor', 'result'], optional: ['ip'] },
};
const ENUMS: Record<string, Record<string, string[]>> = {
  device: { kind: ['scanner', 'courier_app'] },
  scan: { step: ['inbound', 'sort', 'outbound', 'delivered'] },
  lookup: { result: ['ok', 'denied'] },
  reveal: { result: ['ok', 'denied', 'break_glass'] },
  ticket: { status: ['open', 'closed'] },
  moderation: { action: ['delete', 'hide', 'restore'] },
  login: { result: ['ok', 'failed'] },
};
const BARE = ['device', 'courier', 'assignee', 'customer', 'parcel', 'review', 'ticket', 'seller', 'id', 'station'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const ACTOR = /^(staff|device|seller):[^:\s]+$/;

/** Every problem of one event against the contract (empty when it is valid). */
function problems(e: Record<string, unknown>): string[] {
  const out: string[] = [];
  const keys = Object.keys(e);
  if (keys[0] !== 'type' || keys[1] !== 'at') out.push('type and at must come first');
  const spec = CONTRACT[String(e.type)];
  if (!spec) return [...out, `unknown type ${String(e.type)}`];
  if (typeof e.at !== 'string' || !ISO.test(e.at) || Number.isNaN(Date.parse(e.at))) out.push(`bad at ${String(e.at)}`);
  for (const f of spec.required) if (e[f] === undefined || e[f] === null || e[f] === '') out.push(`missing ${f}`);
  for (const k of keys)
    if (k !== 'type' && k !== 'at' && !spec.required.includes(k) && !spec.optional.includes(k))
      out.push(`extra field ${k}`);
  for (const [f, allowed] of Object.entries(ENUMS[String(e.type)] ?? {})) {
    if (e[f] !== undefined && !allowed.includes(String(e[f]))) out.push(`${f}=${String(e[f])}`);
  }
  if (e.actor !== undefined && (typeof e.actor !== 'string' || !ACTOR.test(e.actor)))
    out.push(`actor ${String(e.actor)}`);
  for (const f of BARE) {
    if (e[f] !== undefined && (typeof e[f] !== 'string' || (e[f] as string).includes(':')))
      out.push(`${f} not a bare id`);
  }
  if (e.fields !== undefined && (!Array.isArray(e.fields) || e.fields.some((x) => typeof x !== 'string')))
    out.push('fields');
  if (e.type === 'review' && !(Number.isInteger(e.rating) && (e.rating as number) >= 1 && (e.rating as number) <= 5))
    out.push('rating');
  if (e.type === 'export' && !(Number.isInteger(e.rows) && (e.rows as number) > 0)) out.push('rows');
  for (const f of [
    'role',
    'team',
    'build',
    'field',
    'purpose',
    'dataset',
    'recipient',
    'ip',
    'reason',
    'origin',
    'product',
  ]) {
    if (e[f] !== undefined && typeof e[f] !== 'string') out.push(`${f} not a string`);
  }
  return out;
}

const worlds = new Map<number, ThirdWorld>();
const small = (seed: number) => {
  let w = worlds.get(seed);
  if (!w) {
    w = generateThirdWorld({ seed, days: 4, stations: 5 });
    worlds.set(seed, w);
  }
  return w;
};

test('the same seed gives the same world, another seed another', () => {
  const a = generateThirdWorld({ seed: 7, days: 3, stations: 3 });
  const b = generateThirdWorld({ seed: 7, days: 3, stations: 3 });
  assert.equal(JSON.stringify(a), JSON.stringify(b));
  const c = generateThirdWorld({ seed: 8, days: 3, stations: 3 });
  assert.notEqual(JSON.stringify(a.events.slice(0, 200)), JSON.stringify(c.events.slice(0, 200)));
});

test('every event is valid against the replay contract, inside the window, and sorted', () => {
  for (const seed of [1, 2]) {
    const { events } = small(seed);
    assert.ok(events.length > 10_000);
    const bad = events.map((e, i) => [i, problems(e)] as const).filter(([, p]) => p.length > 0);
    assert.deepEqual(bad.slice(0, 5), []);
    const first = Date.parse('2026-05-04T00:00:00Z');
    for (let i = 0; i < events.length; i++) {
      const at = Date.parse(events[i]!.at as string);
      assert.ok(at >= first && at < first + 4 * 86_400_000);
      if (i > 0) assert.ok((events[i - 1]!.at as string) <= (events[i]!.at as string));
    }
  }
});

test('actors are listed: staff actors by staff events, device actors by device events', () => {
  const { events } = small(1);
  const staff = new Set(events.filter((e) => e.type === 'staff').map((e) => `staff:${String(e.id)}`));
  const devices = new Set(events.filter((e) => e.type === 'device').map((e) => String(e.id)));
  for (const e of events) {
    if (typeof e.actor === 'string' && e.actor.startsWith('staff:')) assert.ok(staff.has(e.actor), e.actor);
    if (typeof e.actor === 'string' && e.actor.startsWith('device:')) assert.ok(devices.has(e.actor.slice(7)), e.actor);
    if (e.type === 'scan') assert.ok(devices.has(String(e.device)), String(e.device));
  }
});

test('every family appears across seeds, in both variants', () => {
  const seen = new Map<string, Set<string>>();
  for (const seed of [1, 2])
    for (const t of small(seed).truth) seen.set(t.family, (seen.get(t.family) ?? new Set()).add(t.variant));
  for (const f of ['harvesting-scanner', 'harvesting-courier', 'review-broker', 'data-seller', 'break-glass-abuse']) {
    assert.ok(THIRD_FAMILIES.includes(f), f);
  }
  assert.ok(THIRD_FAMILIES.length >= 8);
  for (const f of THIRD_FAMILIES) assert.deepEqual([...(seen.get(f) ?? [])].sort(), ['fast', 'low-and-slow'], f);
});

test('truth actors are actors of the world, and each start is the time of one of their events', () => {
  for (const seed of [1, 2]) {
    const { events, truth } = small(seed);
    for (const t of truth) {
      const bare = t.actor.slice(t.actor.indexOf(':') + 1);
      const own = events.filter(
        (e) =>
          e.actor === t.actor ||
          (e.type === 'device' && `device:${String(e.id)}` === t.actor) ||
          (t.actor.startsWith('staff:') && (e.courier === bare || e.assignee === bare)),
      );
      assert.ok(
        own.some((e) => e.actor === t.actor),
        `${t.actor} acts`,
      );
      assert.ok(
        own.some((e) => e.at === t.start),
        `${t.family} start ${t.start}`,
      );
      assert.ok(Date.parse(t.start) >= Date.parse('2026-05-06T00:00:00Z'), 'after the first two days');
      // Attackers keep their ordinary work: events of theirs before the attack.
      assert.ok(
        events.some((e) => (e.actor === t.actor || e.device === t.actor.slice(7)) && (e.at as string) < t.start),
        t.actor,
      );
    }
  }
});

test('ids do not betray attackers', () => {
  const { events, truth } = small(1);
  const shape = (id: string) => id.replace(/\d/g, '9');
  const shapes = new Set(events.flatMap((e) => (typeof e.actor === 'string' ? [shape(e.actor)] : [])));
  for (const t of truth) {
    assert.doesNotMatch(t.actor, /attack|evil|mal|bad|rogue|fake|x-|red/i);
    const peers = events.filter(
      (e) => typeof e.actor === 'string' && shape(e.actor) === shape(t.actor) && e.actor !== t.actor,
    );
    assert.ok(shapes.has(shape(t.actor)) && peers.length > 100, `${t.actor} looks like its peers`);
  }
});

test('options are validated with clear errors', () => {
  assert.throws(() => generateThirdWorld({ seed: 1.5, days: 4, stations: 4 }), /seed must be an integer/);
  assert.throws(() => generateThirdWorld({ seed: 1, days: 2, stations: 4 }), /days must be an integer from 3 to 60/);
  assert.throws(
    () => generateThirdWorld({ seed: 1, days: 4, stations: 65 }),
    /stations must be an integer from 2 to 64/,
  );
  assert.throws(() => generateThirdWorld({ seed: 1, days: 4, stations: 4, start: 'soon' }), /start must be an ISO/);
});

test('the smallest worlds still plant every family, each after the first two days', () => {
  for (const seed of [3, 4, 5]) {
    const { truth } = generateThirdWorld({ seed, days: 3, stations: 2 });
    assert.deepEqual([...new Set(truth.map((t) => t.family))].sort(), [...THIRD_FAMILIES].sort(), `seed ${seed}`);
    for (const t of truth) assert.ok(t.start >= '2026-05-06T00:00:00.000Z', `${t.family} ${t.start}`);
  }
});
