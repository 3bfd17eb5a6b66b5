import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeEntry, type AuditRecord } from '../audit/entry.ts';
import type { EntryRow } from '../audit/log.service.ts';
import { Conflict, InvalidInput } from '../lib/errors.ts';
import type { Case } from './cases.service.ts';
import type { AccessVerdict, Alert } from './engine.ts';
import { createEntityService, type EntityDeps } from './entity.service.ts';

const NOW = new Date('2026-11-29T12:30:00.000Z');
const row = (idx: number, at: string, r: AuditRecord): EntryRow => ({
  idx,
  at,
  kind: r.kind,
  actor: r.actor,
  subject: r.subject ?? null,
  result: r.result ?? null,
  body: encodeEntry(idx, at, r),
  leaf: Buffer.alloc(32),
});
const alert = (actor: string, at: string, score: number): Alert => ({
  at,
  actor,
  rule: 'lookup-without-scan',
  severity: 'high',
  score,
  summary: 's',
  evidence: [{ type: 'lookup', at, parcel: 'TRK9', result: 'denied' }],
});
const aCase = (actor: string, alerts: Alert[], status: Case['status'] = 'open'): Case => ({
  id: `case_${actor}`,
  actor,
  severity: 'high',
  score: 1,
  summary: 's',
  alerts,
  actions: [],
  comments: [],
  status,
  assignee: null,
  resolution: null,
  reason: null,
  incident: null,
  openedAt: alerts[0]!.at,
  updatedAt: alerts[0]!.at,
});

function fakes(opts: { entries?: EntryRow[]; verdicts?: AccessVerdict[]; cases?: Case[]; grants?: string[] } = {}) {
  const appended: AuditRecord[] = [];
  const statuses: [string, string][] = [];
  let status = 'active';
  const deps: EntityDeps = {
    cases: { ofActor: async (actor) => (opts.cases ?? []).filter((c) => c.actor === actor) },
    audit: {
      recentOfActor: async () => opts.entries ?? [],
      append: async (rs) => {
        appended.push(...rs);
        return [];
      },
    },
    staff: {
      get: async (id) => ({
        id,
        role: 'support',
        team: 't',
        station: null,
        createdAt: NOW.toISOString(),
        disabledAt: null,
      }),
    },
    reveals: {
      grants: async () => [
        {
          id: 'grant_1',
          requester: 'u-1',
          subject: 'tok',
          fields: ['email'],
          purpose: 'fraud_check',
          minutes: 60,
          status: 'approved',
          approver: 'b',
          requestedAt: NOW.toISOString(),
          expiresAt: '2026-11-29T13:00:00.000Z',
        },
      ],
      suspendGrants: async () => opts.grants ?? [],
    },
    devices: {
      get: async (id) => ({
        id,
        station: 'st-a',
        kind: 'scanner',
        build: 'a'.repeat(64),
        buildKnown: true,
        status: status as 'active',
        enrolledAt: NOW.toISOString(),
        statusAt: NOW.toISOString(),
      }),
      activity: async () => [
        { at: '2026-11-29T12:00:00.000Z', action: 'read routing', parcel: 'TRK1', result: 'ok' },
        { at: '2026-11-29T12:01:00.000Z', action: 'read routing', parcel: 'TRK9', result: 'denied' },
        { at: '2026-11-29T12:02:00.000Z', action: 'read manifest', parcel: null, result: 'ok' },
      ],
      setStatus: async (id, s) => {
        statuses.push([id, s]);
        status = s;
        return deps.devices.get(id);
      },
    },
    waybill: {
      recentScans: async () => [{ at: '2026-11-29T11:59:00.000Z', step: 'inbound', parcel: 'TRK1', station: 'st-a' }],
    },
    detection: { verdicts: () => opts.verdicts ?? [] },
    clock: { now: () => NOW },
  };
  return { deps, appended, statuses };
}

describe('entity pages', () => {
  test("a staff member's timeline: the engine's verdict where it judged, else the explanation the entry carried", async () => {
    const entries = [
      row(3, '2026-11-29T12:10:00.000Z', {
        kind: 'grant',
        actor: 'staff:u-1',
        subject: 'tok_g',
        result: 'requested',
        data: { fields: ['email'], purpose: 'fraud_check' },
      }),
      row(2, '2026-11-29T12:05:00.000Z', {
        kind: 'reveal',
        actor: 'staff:u-1',
        subject: 'tok_b',
        result: 'ok',
        data: { field: 'phone', purpose: 'ticket_followup', explanation: 'T-1' },
      }),
      row(1, '2026-11-29T12:00:00.000Z', {
        kind: 'reveal',
        actor: 'staff:u-1',
        subject: 'tok_a',
        result: 'denied',
        data: { field: 'email', purpose: 'ticket_followup', explanation: 'T-9' },
      }),
    ];
    // The engine judged the first reveal unexplained (T-9 is not that customer's ticket).
    const verdicts: AccessVerdict[] = [
      { actor: 'staff:u-1', at: '2026-11-29T12:00:00.000Z', explained: false, shown: false, customer: 'tok_a' },
    ];
    const e = await createEntityService(fakes({ entries, verdicts }).deps).get('staff', 'u-1');
    assert.deepEqual(
      e.timeline.map((x) => [x.kind, x.subject, x.field, x.explained, x.judgedBy]),
      [
        ['grant', 'tok_g', 'email', null, null],
        ['reveal', 'tok_b', 'phone', true, 'entry'],
        ['reveal', 'tok_a', 'email', false, 'engine'],
      ],
    );
    assert.equal(e.staff?.grantsInForce, 1);
  });

  test("a device's timeline: scans explain, reads carry the engine's verdict; risk by hour from its alerts", async () => {
    const verdicts: AccessVerdict[] = [
      { actor: 'device:dev_1', at: '2026-11-29T12:00:00.000Z', explained: true, shown: true, parcel: 'TRK1' },
      { actor: 'device:dev_1', at: '2026-11-29T12:01:00.000Z', explained: false, shown: false, parcel: 'TRK9' },
    ];
    const cases = [
      aCase('device:dev_1', [
        alert('device:dev_1', '2026-11-29T12:01:00.000Z', 0.6),
        alert('device:dev_1', '2026-11-29T12:20:00.000Z', 0.9),
      ]),
    ];
    const e = await createEntityService(fakes({ verdicts, cases }).deps).get('device', 'dev_1');
    assert.deepEqual(
      e.timeline.map((x) => [x.kind, x.parcel, x.explained]),
      [
        ['read', null, null],
        ['read', 'TRK9', false],
        ['read', 'TRK1', true],
        ['scan', 'TRK1', true],
      ],
    );
    assert.equal(e.risk.points.length, 2);
    assert.equal(e.risk.hours.length, 25, 'a day of hours, the quiet ones at 0');
    assert.equal(e.risk.hours.at(-1), '2026-11-29T12');
    assert.equal(e.risk.scores.at(-1), 0.9);
    assert.equal(e.risk.scores[0], 0);
    assert.equal(e.evidence[0]!.items[0]!.parcel, 'TRK9');
    await assert.rejects(createEntityService(fakes().deps).get('customer', 'x'), InvalidInput);
  });

  test("restricting or revoking a device and suspending grants are audited under the analyst's name", async () => {
    const f = fakes({
      cases: [aCase('device:dev_1', [alert('device:dev_1', '2026-11-29T12:01:00.000Z', 0.9)])],
      grants: ['grant_1'],
    });
    const svc = createEntityService(f.deps);
    await assert.rejects(
      svc.quarantine('dev_1', 'active', 'staff:an-1'),
      InvalidInput,
      'putting back in service is an admin’s',
    );
    assert.equal((await svc.quarantine('dev_1', 'revoked', 'staff:an-1')).status, 'revoked');
    await assert.rejects(
      svc.quarantine('dev_1', 'revoked', 'staff:an-1'),
      (e: unknown) => e instanceof Conflict && /already revoked/.test(e.message),
    );
    assert.deepEqual(f.statuses, [['dev_1', 'revoked']]);
    assert.deepEqual(f.appended[0], {
      kind: 'device',
      actor: 'staff:an-1',
      result: 'revoked',
      data: { device: 'dev_1', from: 'active', case: 'case_device:dev_1' },
    });
    assert.deepEqual(await svc.suspendGrants('u-1', 'staff:an-1'), { grants: ['grant_1'] });
    assert.deepEqual(f.appended[1], {
      kind: 'response',
      actor: 'staff:an-1',
      result: 'grants_suspended',
      data: { staff: 'u-1', grants: ['grant_1'], case: null },
    });
    const none = fakes();
    assert.deepEqual(await createEntityService(none.deps).suspendGrants('u-1', 'staff:an-1'), { grants: [] });
    assert.equal(none.appended.length, 0, 'nothing changed, nothing to record');
  });
});
