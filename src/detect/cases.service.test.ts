import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, appOn } from '../../test/dialects.ts';
import { decodeEntry } from '../audit/entry.ts';
import { Conflict, Forbidden, InvalidInput } from '../lib/errors.ts';
import type { Alert } from './engine.ts';
import { escalateCase, scopeOfCase } from './escalate.ts';

const alert = (
  actor: string,
  at: string,
  rule: string,
  severity: Alert['severity'],
  evidence: Alert['evidence'] = [],
): Alert => ({
  at,
  actor,
  rule,
  severity,
  score: severity === 'high' ? 0.9 : 0.5,
  summary: `${rule} by ${actor}`,
  evidence,
});

for (const d of DIALECTS) {
  describe(`case triage on ${d.name}`, () => {
    const h = appOn(d.fresh);
    const log = async () =>
      (await h.app.auditRepo.entries(0, Number.MAX_SAFE_INTEGER)).map((e) => decodeEntry(e.body)!);

    test('the alert queue: one row per alert, newest first, filtered by severity, status, rule and actor', async () => {
      const cases = h.app.cases;
      await cases.record(
        alert('staff:q-1', '2026-11-29T08:00:00.000Z', 'access-without-explanation', 'medium', [
          { type: 'reveal', at: '2026-11-29T07:59:00.000Z', customer: 'tok_a', field: 'phone' },
        ]),
      );
      await cases.record(
        alert('staff:q-1', '2026-11-29T09:00:00.000Z', 'review-broker', 'high', [
          { type: 'reveal', at: '2026-11-29T08:59:00.000Z', customer: 'tok_b', field: 'email' },
        ]),
      );
      await cases.record(alert('staff:q-2', '2026-11-29T08:30:00.000Z', 'unusual-export', 'low'));
      const all = (await cases.alerts({})).filter((a) => a.actor.startsWith('staff:q-'));
      assert.deepEqual(
        all.map((a) => [a.actor, a.rule, a.index]),
        [
          ['staff:q-1', 'review-broker', 1],
          ['staff:q-2', 'unusual-export', 0],
          ['staff:q-1', 'access-without-explanation', 0],
        ],
      );
      assert.deepEqual(
        (await cases.alerts({ severity: 'high' })).map((a) => a.rule),
        ['review-broker'],
      );
      assert.deepEqual(
        (await cases.alerts({ rule: 'unusual-export' })).map((a) => a.actor),
        ['staff:q-2'],
      );
      assert.equal((await cases.alerts({ actor: 'staff:q-1' })).length, 2);
      assert.equal((await cases.alerts({ status: 'resolved' })).length, 0);
      await assert.rejects(
        cases.alerts({ severity: 'urgent' }),
        (e: InvalidInput) => e instanceof InvalidInput && e.details[0]!.path === '/severity',
      );
    });

    test('bulk close is all or nothing, needs a classification and a reason, and audits a keyed hash of the reason', async () => {
      const cases = h.app.cases;
      const [c1, c2] = [
        (await cases.alerts({ actor: 'staff:q-1' }))[0]!.case,
        (await cases.alerts({ actor: 'staff:q-2' }))[0]!.case,
      ];
      await assert.rejects(
        cases.bulk({ ids: [c1, c2], action: 'close', classification: 'benign' }, 'staff:an-1'),
        (e: InvalidInput) => e.details.some((x) => x.path === '/reason'),
      );
      await assert.rejects(
        cases.bulk(
          { ids: [c1, 'case_nope'], action: 'close', classification: 'benign', reason: 'drill' },
          'staff:an-1',
        ),
        (e: InvalidInput) => e.details[0]!.path === '/ids/1',
      );
      await assert.rejects(
        cases.bulk({ ids: [c1, c1], action: 'assign', assignee: 'an-2' }, 'staff:an-1'),
        InvalidInput,
      );
      await assert.rejects(
        cases.bulk({ ids: [c1], action: 'close', classification: 'maybe', reason: 'x' }, 'staff:an-1'),
        (e: InvalidInput) => e.details[0]!.path === '/classification',
      );
      assert.equal((await cases.get(c1)).status, 'open', 'nothing changed');

      const reason = 'Nguyễn Văn A asked for it on the phone';
      const done = await cases.bulk({ ids: [c1, c2], action: 'close', classification: 'benign', reason }, 'staff:an-1');
      assert.deepEqual(
        done.map((c) => [c.status, c.resolution, c.reason]),
        [
          ['resolved', 'benign', reason],
          ['resolved', 'benign', reason],
        ],
      );
      const entries = (await log()).filter((e) => e.kind === 'case' && e.result === 'benign');
      assert.deepEqual(entries.map((e) => e.case).sort(), [c1, c2].sort());
      for (const e of entries) {
        assert.match(String(e.reason), /^[0-9a-f]{64}$/);
        assert.equal(e.bulk, 2);
      }
      assert.ok(!JSON.stringify(await log()).includes('Nguyễn'), 'the words stay out of the audit log');
      // A case resolved before clashes with its state (409); mixed with an unknown id the batch is bad input (400).
      await assert.rejects(
        cases.bulk({ ids: [c1], action: 'assign', assignee: 'an-2' }, 'staff:an-1'),
        (e: unknown) => e instanceof Conflict && e.details[0]!.problem === 'already resolved',
      );
      await assert.rejects(
        cases.bulk({ ids: [c1, 'case_nope'], action: 'assign', assignee: 'an-2' }, 'staff:an-1'),
        (e: unknown) =>
          e instanceof InvalidInput &&
          e.details.map((d) => d.problem).join() === 'already resolved,no case has this id',
      );
    });

    test('separation of duties: a batch holding one case of the caller’s own changes nothing; nor does an undo of their own grants', async () => {
      const own = await h.app.cases.record(alert('staff:an-8', '2026-11-29T10:30:00.000Z', 'review-broker', 'high'));
      const other = await h.app.cases.record(alert('staff:q-8', '2026-11-29T10:31:00.000Z', 'review-broker', 'high'));
      const before = (await log()).length;
      await assert.rejects(
        h.app.cases.bulk(
          { ids: [other.id, own.id], action: 'close', classification: 'false_positive', reason: 'drill' },
          { actor: 'staff:an-8', role: 'analyst' },
        ),
        (e: Forbidden) => e instanceof Forbidden && e.details.length === 1 && e.details[0]!.path === '/ids/1',
      );
      await assert.rejects(
        h.app.cases.bulk({ ids: [other.id], action: 'assign', assignee: 'q-8' }, 'staff:an-1'),
        (e: Forbidden) => e instanceof Forbidden && /own suspect/.test(e.details[0]!.problem),
      );
      await assert.rejects(h.app.cases.comment(own.id, 'fine', 'staff:an-8'), Forbidden);
      await assert.rejects(
        h.app.cases.undo(own.id, { actor: 'staff:an-1', role: 'analyst' }),
        /roles admin, supervisor/,
      );
      assert.deepEqual(
        [
          (await h.app.cases.get(own.id)).status,
          (await h.app.cases.get(other.id)).status,
          (await h.app.cases.get(own.id)).comments.length,
        ],
        ['open', 'open', 0],
      );
      assert.equal((await log()).length, before, 'no audit entry for a refusal that changed nothing');
      await h.app.cases.bulk(
        { ids: [other.id, own.id], action: 'close', classification: 'true_positive', reason: 'checked' },
        { actor: 'staff:an-1', role: 'analyst' },
      );
    });

    test('single resolve stays compatible (no reason) and accepts benign', async () => {
      const c = await h.app.cases.record(alert('staff:q-3', '2026-11-29T10:00:00.000Z', 'break-glass-abuse', 'medium'));
      await assert.rejects(
        h.app.cases.resolve(c.id, 'maybe', 'staff:an-1'),
        (e: InvalidInput) => e.details[0]!.path === '/resolution',
      );
      const r = await h.app.cases.resolve(c.id, 'true_positive', 'staff:an-1');
      assert.deepEqual([r.resolution, r.reason], ['true_positive', null]);
      await assert.rejects(
        h.app.cases.resolve(c.id, 'benign', 'staff:an-1'),
        (e: unknown) => e instanceof Conflict && e.message === 'this case is already resolved',
      );
      const e = (await log()).find((x) => x.kind === 'case' && x.case === c.id)!;
      assert.equal(e.reason, undefined);
    });

    test("escalation: the incident's scope is the customers and fields in the evidence; linked once, audited", async () => {
      const c = await h.app.cases.record(
        alert('device:dev_x', '2026-11-29T11:00:00.000Z', 'lookup-without-scan', 'high', [
          { type: 'lookup', at: '2026-11-29T10:59:00.000Z', result: 'denied', parcel: 'TRK1' },
          { type: 'lookup', at: '2026-11-29T10:59:30.000Z', result: 'denied', parcel: 'TRK2' },
          { type: 'reveal', at: '2026-11-29T10:59:40.000Z', customer: 'tok_c', field: 'phone' },
        ]),
      );
      const waybill = { recipientsOf: async (ts: readonly string[]) => new Map(ts.map((t) => [t, `tok_of_${t}`])) };
      assert.deepEqual(await scopeOfCase(c, waybill), {
        subjects: ['tok_c', 'tok_of_TRK1', 'tok_of_TRK2'],
        categories: ['phone', 'tracking_number'],
      });
      const { incident, case: linked } = await escalateCase(
        { cases: h.app.cases, incidents: h.app.incidents, waybill },
        c.id,
        { title: 'Scanner harvesting', where: 'st-a', measures: 'revoked' },
        'staff:an-1',
      );
      assert.equal(incident.subjects, 3);
      assert.equal(linked.incident, incident.id);
      await assert.rejects(
        escalateCase(
          { cases: h.app.cases, incidents: h.app.incidents, waybill },
          c.id,
          { title: 'again', where: 'x', measures: 'y' },
          'staff:an-1',
        ),
        (e: unknown) => e instanceof Conflict && /already escalated/.test(e.message),
      );
      assert.ok(
        (await log()).some(
          (e) => e.kind === 'case' && e.result === 'escalated' && e.case === c.id && e.incident === incident.id,
        ),
      );
      const empty = await h.app.cases.record(alert('staff:q-4', '2026-11-29T12:00:00.000Z', 'unusual-export', 'low'));
      await assert.rejects(
        escalateCase(
          { cases: h.app.cases, incidents: h.app.incidents, waybill },
          empty.id,
          { title: 'Nothing', where: 'x', measures: 'y' },
          'staff:an-1',
        ),
        (e: unknown) => e instanceof Conflict && /no customer/.test(e.message),
      );
    });
  });
}
