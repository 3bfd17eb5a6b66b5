import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type Alert } from './engine.ts';
import type { CloakEvent } from '../bus/events.ts';

/*
 * The engine against patterns the independent worlds showed it missing: a courier's place
 * explaining their reveals, an outage hiding a sweep of break-glass, a forged handover.
 */

const T0 = Date.parse('2026-03-02T01:00:00Z');
const MIN = 60_000;
const at = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();
const ev = (minutes: number, e: Record<string, unknown>) => ({ ...e, at: at(minutes) }) as unknown as CloakEvent;
function run(events: CloakEvent[]): Alert[] {
  const engine = createEngine();
  const sorted = [...events].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return [...sorted.flatMap((e) => engine.ingest(e)), ...engine.flush()];
}
const standing = (alerts: Alert[]) => {
  const down = new Set(alerts.filter((a) => a.downgrades).map((a) => a.downgrades));
  return alerts.filter((a) => !a.downgrades && !down.has(a.id));
};

/** Couriers of one station, each assigned, reading and calling their own parcels' customers for `days` days. */
function couriers(n: number, days: number, extra: (day: number, events: CloakEvent[]) => void): CloakEvent[] {
  const events: CloakEvent[] = [];
  for (let c = 0; c < n; c++) events.push(ev(-600, { type: 'staff', id: `c${c}`, role: 'courier', station: 's1' }));
  let k = 0;
  for (let d = 0; d < days; d++) {
    for (let c = 0; c < n; c++)
      for (let i = 0; i < 12; i++) {
        const m = d * 1440 + 60 + c * 3 + i * 20;
        const p = `p${k}`;
        const cu = `cu${k++}`;
        events.push(ev(m - 30, { type: 'parcel', parcel: p, customer: cu, station: 's1' }));
        events.push(ev(m - 20, { type: 'assignment', parcel: p, courier: `c${c}` }));
        events.push(ev(m, { type: 'lookup', actor: `staff:c${c}`, result: 'ok', parcel: p }));
        events.push(ev(m + 1, { type: 'reveal', actor: `staff:c${c}`, customer: cu, field: 'phone', result: 'ok' }));
        // Now and then a courier looks up a colleague's parcel at the station (the counter).
        if (i === 5 || i === 9) {
          const q = `q${k++}`;
          events.push(ev(m - 25, { type: 'parcel', parcel: q, customer: `cq${k}`, station: 's1' }));
          events.push(ev(m + 3, { type: 'lookup', actor: `staff:c${c}`, result: 'ok', parcel: q }));
        }
      }
    extra(d, events);
  }
  return events;
}

describe('explanations learned per kind of access', () => {
  test('a station explains couriers reading its parcels, not one of them showing the phones of customers never assigned to them', () => {
    const harvest = (day: number, events: CloakEvent[]) => {
      if (day < 3) return;
      for (let i = 0; i < 4; i++) {
        const m = day * 1440 + 300 + i * 90;
        const p = `h${day}-${i}`;
        const cu = `ch${day}-${i}`;
        events.push(ev(m - 60, { type: 'parcel', parcel: p, customer: cu, station: 's1' }));
        events.push(ev(m, { type: 'lookup', actor: 'staff:c0', result: 'ok', parcel: p }));
        events.push(ev(m + 1, { type: 'reveal', actor: 'staff:c0', customer: cu, field: 'phone', result: 'ok' }));
      }
    };
    const quiet = standing(run(couriers(8, 7, () => {})));
    assert.deepEqual(quiet, [], 'the counter lookups of the station alone are normal work');
    const alerts = standing(run(couriers(8, 7, harvest)));
    assert.deepEqual([...new Set(alerts.map((a) => a.actor))], ['staff:c0']);
    assert.ok(alerts.some((a) => a.evidence.some((e) => e.type === 'reveal')));
  });
});

describe('break-glass inside an outage', () => {
  const glass = (m: number, who: string, customer: string) =>
    ev(m, { type: 'reveal', actor: `staff:${who}`, customer, field: 'phone', result: 'break_glass' });
  const team = (): CloakEvent[] => [
    ev(-600, { type: 'staff', id: 'e1', role: 'engineer' }),
    ev(-600, { type: 'staff', id: 'e2', role: 'engineer' }),
    ev(-600, { type: 'staff', id: 'a1', role: 'support' }),
  ];
  test('colleagues breaking the glass in the same hours explain each other at their own pace, not a sweep hidden among them', () => {
    const outage = [
      ...team(),
      glass(0, 'e1', 'x1'),
      glass(5, 'e1', 'x2'),
      glass(10, 'e2', 'x3'),
      glass(15, 'e2', 'x4'),
    ];
    const calm = [...outage, glass(20, 'a1', 'y0'), glass(25, 'a1', 'y1')];
    assert.deepEqual(standing(run(calm)), [], 'three people, two customers each: an incident');
    const sweep = [...outage];
    for (let i = 0; i < 12; i++) sweep.push(glass(20 + 2 * i, 'a1', `y${i}`));
    const alerts = standing(run(sweep));
    assert.deepEqual([...new Set(alerts.map((a) => `${a.actor} ${a.rule}`))], ['staff:a1 break-glass-abuse']);
  });
});

describe('claimed handovers', () => {
  test('parcels taken over from colleagues and then delivered by the colleagues’ own apps are alerted; genuine handovers are not', () => {
    const events: CloakEvent[] = [];
    for (const c of ['c0', 'c1', 'c2', 'c3'])
      events.push(
        ev(-600, { type: 'staff', id: c, role: 'courier', station: 's1' }),
        ev(-600, { type: 'device', id: `app-${c}`, station: 's1', build: 'b1', kind: 'courier_app' }),
      );
    let k = 0;
    const deliver = (m: number, courier: string, by: string, handTo?: string, handAt?: number) => {
      const p = `p${k}`;
      const cu = `cu${k++}`;
      const start = Math.min(m, handAt ?? m);
      events.push(ev(start - 60, { type: 'parcel', parcel: p, customer: cu, station: 's1' }));
      events.push(ev(start - 50, { type: 'assignment', parcel: p, courier }));
      if (handTo !== undefined) {
        events.push(ev(handAt!, { type: 'assignment', parcel: p, courier: handTo }));
        events.push(
          ev(handAt! + 1, { type: 'reveal', actor: `staff:${handTo}`, customer: cu, field: 'phone', result: 'ok' }),
        );
      }
      events.push(ev(m, { type: 'scan', device: `app-${by}`, parcel: p, station: 's1', step: 'delivered' }));
    };
    for (let d = 0; d < 3; d++)
      for (const c of ['c0', 'c1', 'c2', 'c3']) for (let i = 0; i < 10; i++) deliver(d * 1440 + 120 + i * 30, c, c);
    // Genuine handovers: the one who took the parcel delivers it with their own app.
    for (let i = 0; i < 6; i++) deliver(3 * 1440 + 200 + i * 30, 'c1', 'c2', 'c2', 3 * 1440 + 100 + i * 30);
    assert.deepEqual(standing(run(events)), []);
    // Forged: c3 gives themself c0's parcels and calls the customers; c0 still delivers them.
    for (let i = 0; i < 8; i++) deliver(3 * 1440 + 400 + i * 20, 'c0', 'c0', 'c3', 3 * 1440 + 300 + i * 10);
    const alerts = standing(run(events));
    assert.deepEqual([...new Set(alerts.map((a) => `${a.actor} ${a.rule}`))], ['staff:c3 handover-not-honoured']);
    const a = alerts[0]!;
    assert.ok(a.evidence.every((e) => e.type === 'handover' && e.from === 'c0' && e.delivered_by === 'app-c0'));
    for (const l of ['en', 'vi', 'zh'] as const) assert.ok(a.texts![l].summary.includes('c3'), l);
  });
});
