import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type Alert } from './engine.ts';
import { evaluate } from './evaluate.ts';
import type { CloakEvent } from '../bus/events.ts';

const T0 = Date.parse('2026-03-02T08:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const ev = (minutes: number, e: Record<string, unknown>) => ({ ...e, at: at(minutes) }) as unknown as CloakEvent;
function run(events: CloakEvent[]): Alert[] {
  const engine = createEngine();
  const sorted = [...events].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return [...sorted.flatMap((e) => engine.ingest(e)), ...engine.flush()];
}
const staff = (id: string, role: string) => ev(-600, { type: 'staff', id, role });
const parcel = (m: number, id: string, customer: string, station: string) => ev(m, { type: 'parcel', parcel: id, customer, station });

describe('detection engine', () => {
  test('a scanner reading parcels it never scanned is alerted with its reads as evidence; reads of its own scans are not', () => {
    const events: CloakEvent[] = [ev(-10, { type: 'device', id: 'a', station: 's1', build: 'b', kind: 'scanner' }), ev(-10, { type: 'device', id: 'b', station: 's1', build: 'b', kind: 'scanner' })];
    for (let i = 0; i < 20; i++) {
      events.push(parcel(0, `p${i}`, `c${i}`, 's2'));
      events.push(ev(1 + i, { type: 'scan', device: 'b', parcel: `p${i}`, station: 's2', step: 'sort' }));
      // b reads what it scanned, once a little before the scan was logged.
      events.push(ev(i === 3 ? i + 0.5 : 2 + i, { type: 'lookup', actor: 'device:b', result: 'ok', parcel: `p${i}` }));
    }
    for (let i = 0; i < 4; i++) events.push(ev(30 + i, { type: 'lookup', actor: 'device:a', result: 'denied', parcel: `p${i}` }));
    const alerts = run(events);
    assert.deepEqual([...new Set(alerts.map((a) => a.actor))], ['device:a']);
    const first = alerts[0]!;
    assert.equal(first.rule, 'lookup-without-scan');
    assert.equal(first.at, at(32));
    assert.deepEqual(first.evidence.map((e) => e.parcel), ['p0', 'p1', 'p2']);
    assert.match(first.summary, /device a read 3 parcels it never scanned/);
  });

  test('a fleet-wide build roll-out is not a finding; one device alone on a new build, then reading, is found sooner', () => {
    const events: CloakEvent[] = [];
    for (let d = 0; d < 10; d++) {
      events.push(ev(-100, { type: 'device', id: `d${d}`, station: 's1', build: 'v1', kind: 'scanner' }));
      events.push(ev(d * 20, { type: 'device', id: `d${d}`, station: 's1', build: 'v2', kind: 'scanner' }));
    }
    events.push(parcel(0, 'p1', 'c1', 's9'), parcel(0, 'p2', 'c2', 's9'));
    assert.deepEqual(run(events), []);
    events.push(ev(300, { type: 'device', id: 'd3', station: 's1', build: 'zz-unknown', kind: 'scanner' }));
    events.push(ev(310, { type: 'lookup', actor: 'device:d3', result: 'denied', parcel: 'p1' }), ev(311, { type: 'lookup', actor: 'device:d3', result: 'denied', parcel: 'p2' }));
    const alerts = run(events);
    assert.equal(alerts[0]!.rule, 'unknown-build-then-reads');
    assert.equal(alerts[0]!.severity, 'high');
    assert.equal(alerts[0]!.evidence[0]!.build, 'zz-unknown');
  });

  test('story B: unexplained reveals of one seller’s negative reviewers with deletions of its negative reviews; a moderator clearing a spammer is not', () => {
    const events: CloakEvent[] = [staff('agent', 'support'), staff('mod', 'moderator')];
    for (let i = 0; i < 6; i++) events.push(ev(i, { type: 'review', id: `r${i}`, customer: `rev${i}`, seller: 's-bad', rating: 1 }));
    // The spammer: ten reviews of many sellers, all deleted by a moderator.
    for (let i = 0; i < 10; i++) {
      events.push(ev(100 + i, { type: 'review', id: `spam${i}`, customer: 'spammer', seller: `s-${i}`, rating: i % 2 ? 1 : 5 }));
      events.push(ev(200 + i, { type: 'moderation', actor: 'staff:mod', review: `spam${i}`, action: 'delete', reason: 'spam' }));
    }
    // A ticket explains one reveal of a reviewer: not part of the pattern.
    events.push(ev(290, { type: 'ticket', id: 'T1', customer: 'rev5', assignee: 'agent', status: 'open' }));
    events.push(ev(295, { type: 'reveal', actor: 'staff:agent', customer: 'rev5', field: 'email', result: 'ok', ticket: 'T1' }));
    assert.deepEqual(run(events), [], 'spam clearing and ticketed work raise nothing');
    events.push(ev(300, { type: 'reveal', actor: 'staff:agent', customer: 'rev0', field: 'email', result: 'denied' }));
    events.push(ev(305, { type: 'moderation', actor: 'staff:agent', review: 'r1', action: 'delete' }));
    const alerts = run(events).filter((a) => a.rule === 'review-broker');
    assert.deepEqual(alerts.map((a) => [a.actor, a.severity, a.at]), [
      ['staff:agent', 'medium', at(300)],
      ['staff:agent', 'high', at(305)],
    ]);
    assert.match(alerts[1]!.summary, /looked up 1 of seller s-bad's negative reviewers and deleted negative reviews of seller s-bad/);
  });

  test('break-glass beyond what the peer group does in a day, and exports far above the peer percentile, are alerted', () => {
    const events: CloakEvent[] = [staff('a1', 'analyst'), staff('a2', 'analyst'), staff('s1', 'support')];
    // a1 breaks the glass once a day, as analysts sometimes must.
    for (let d = 0; d < 3; d++) events.push(ev(d * 1440, { type: 'reveal', actor: 'staff:a1', customer: `c${d}`, field: 'phone', result: 'break_glass' }));
    for (let i = 0; i < 10; i++) events.push(ev(i * 60, { type: 'export', actor: `staff:a${1 + (i % 2)}`, dataset: 'sales', rows: 10_000 + i * 500, recipient: 'finance' }));
    assert.deepEqual(run(events), []);
    events.push(ev(5000, { type: 'reveal', actor: 'staff:a2', customer: 'x1', field: 'phone', result: 'break_glass' }), ev(5010, { type: 'reveal', actor: 'staff:a2', customer: 'x2', field: 'email', result: 'break_glass' }));
    events.push(ev(5100, { type: 'export', actor: 'staff:s1', dataset: 'sales', rows: 90_000, recipient: 'someone-new' }));
    const alerts = run(events);
    assert.deepEqual(alerts.map((a) => [a.actor, a.rule]), [
      ['staff:a2', 'break-glass-abuse'],
      ['staff:s1', 'unusual-export'],
    ]);
    assert.match(alerts[0]!.summary, /2 different customers in 24 hours \(other analyst staff: at most 1 a day\)/);
    assert.equal(alerts[1]!.evidence[0]!.peer_p95_rows, 14_500);
  });

  test('quality over simulated worlds: every attack family found, few benign actors alerted, benign access explained', () => {
    const r = evaluate([9001, 9002], { days: 3, stations: 5 });
    for (const f of r.families) assert.equal(f.recall, 1, `${f.family}: ${f.detected}/${f.attackers}`);
    assert.ok(r.actorPrecision >= 0.9, `precision ${r.actorPrecision}: ${r.falseActors.join(', ')}`);
    assert.ok(r.benignExplained >= 0.95);
  });
});
