import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { decodeEntry } from '../src/audit/entry.ts';
import { serverOn } from '../test/dialects.ts';
import { enrollOverHttp, signedDeviceCall } from '../test/devices.ts';

/**
 * Detection on the live server, through the real API: a scanner harvesting parcels it never
 * scanned is restricted automatically, and a support agent looking up a seller's unhappy
 * reviewer loses their grants; each response is in the audit log and in a case, which an
 * admin can undo.
 */
describe('live detection responds on its own', () => {
  // A read is judged once the scan that could explain it had two minutes to arrive: the test
  // moves the clock rather than wait.
  let offset = 0;
  const s = serverOn({}, { clock: { now: () => new Date(Date.now() + offset) } });
  const platform = async (method: string, path: string, body?: unknown, token = s.admin) => {
    const r = await fetch(`${s.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return { status: r.status, json: text ? JSON.parse(text) : undefined };
  };
  const enroll = (station: string, build: string) => enrollOverHttp(s.url, s.admin, station, build);
  const device = (d: { id: string; key: KeyObject }, method: string, path: string, body?: unknown) =>
    signedDeviceCall(s.url, d, method, path, body);
  const entries = async () =>
    (await s.app.auditRepo.entries(0, Number.MAX_SAFE_INTEGER)).map((e) => decodeEntry(e.body)!);

  test('a harvesting scanner is restricted, with an audit entry and a case; an admin undoes it', async () => {
    for (const [id, kind] of [
      ['hub', 'hub'],
      ['st-a', 'delivery'],
      ['st-b', 'delivery'],
    ] as const)
      await platform('POST', '/v1/stations', { id, name: id, kind });
    const subjects = await platform('POST', '/v1/subjects/batch', {
      subjects: Array.from({ length: 30 }, (_, i) => ({
        externalId: `h-${i}`,
        fields: { name: `Người Nhận ${i}`, phone: `0912 000 ${String(100 + i)}` },
      })),
    });
    const parcels: string[] = [];
    for (const [i, r] of (subjects.json.results as { token: string }[]).entries())
      parcels.push(
        (
          await platform('POST', '/v1/parcels', {
            recipient: r.token,
            origin: 'hub',
            destination: i < 10 ? 'st-a' : 'st-b',
          })
        ).json.tracking,
      );
    // Two scanners on the station's usual build; one of them turns harvester.
    const honest = await enroll('st-a', 'a'.repeat(64));
    const bad = await enroll('st-a', 'a'.repeat(64));
    for (const d of [honest, bad]) {
      assert.equal(
        await device(d, 'POST', '/v1/device/scans', {
          scans: parcels.slice(0, 10).map((p) => ({ parcel: p, step: 'inbound' })),
        }),
        200,
      );
      for (const p of parcels.slice(0, 10)) assert.equal(await device(d, 'GET', `/v1/device/parcels/${p}`), 200);
    }
    for (const p of parcels.slice(10)) await device(bad, 'GET', `/v1/device/parcels/${p}`);
    // Past the grace in which a late scan could still explain the reads.
    offset += 11 * 60_000;
    await s.app.detection.idle();

    assert.equal((await s.app.devices.get(bad.id)).status, 'restricted');
    assert.equal(
      (await s.app.devices.get(honest.id)).status,
      'active',
      'the honest scanner, reading only its own parcels, is left alone',
    );
    const response = (await entries()).find((e) => e.kind === 'response' && e.device === bad.id);
    assert.ok(response && response.result === 'device_restricted' && response.actor === 'system:detect');

    const analyst = (await platform('POST', '/v1/staff', { id: 'an-1', role: 'analyst' })).json.token;
    const boss = (await platform('POST', '/v1/staff', { id: 'boss-1', role: 'supervisor' })).json.token;
    const open = await platform('GET', '/v1/cases?status=open', undefined, analyst);
    const c = (
      open.json.cases as {
        id: string;
        actor: string;
        severity: string;
        alerts: { rule: string; evidence: unknown[] }[];
        actions: { type: string }[];
      }[]
    ).find((x) => x.actor === `device:${bad.id}`)!;
    assert.ok(c, 'a case for the harvester');
    assert.equal(c.severity, 'high');
    assert.equal(c.alerts[0]!.rule, 'lookup-without-scan');
    assert.ok(c.alerts.at(-1)!.evidence.length >= 3);
    assert.deepEqual(
      c.actions.map((a) => a.type),
      ['device_status'],
    );
    assert.equal(
      (await platform('POST', `/v1/cases/${c.id}/undo`, undefined, analyst)).status,
      403,
      'analysts investigate; admins undo',
    );
    const undone = await platform('POST', `/v1/cases/${c.id}/undo`, undefined, boss);
    assert.equal(undone.status, 200);
    assert.equal((await s.app.devices.get(bad.id)).status, 'active');
    assert.ok(
      (await entries()).some(
        (e) => e.kind === 'response' && e.result === 'undone' && e.device === bad.id && e.actor === 'staff:boss-1',
      ),
    );
    assert.equal(
      (await platform('POST', `/v1/cases/${c.id}/resolve`, { resolution: 'true_positive' }, analyst)).json.status,
      'resolved',
    );
  });

  test('a review broker’s grants are suspended at once, with an audit entry and a case', async () => {
    const agent = (await platform('POST', '/v1/staff', { id: 'ag-7', role: 'support' })).json.token;
    const boss = (await platform('POST', '/v1/staff', { id: 'boss-2', role: 'supervisor' })).json.token;
    const [reviewer, customer, reviewer2] = (
      await platform('POST', '/v1/subjects/batch', {
        subjects: [
          { kind: 'reviewer', externalId: 'rv-x', fields: { email: 'unhappy@example.vn' } },
          { externalId: 'cu-x', fields: { email: 'someone@example.vn' } },
          { kind: 'reviewer', externalId: 'rv-y', fields: { email: 'also-unhappy@example.vn' } },
        ],
      })
    ).json.results.map((r: { token: string }) => r.token) as [string, string, string];
    assert.equal(
      (await platform('POST', '/v1/reviews', { id: 'rev-x', reviewer, seller: 's-9', rating: 1 })).status,
      201,
    );
    assert.equal(
      (await platform('POST', '/v1/reviews', { id: 'rev-y', reviewer: reviewer2, seller: 's-9', rating: 2 })).status,
      201,
    );
    // A grant of the agent's, approved and in force.
    const g = await platform(
      'POST',
      '/v1/grants',
      {
        subject: customer,
        fields: ['email'],
        purpose: 'fraud_check',
        minutes: 60,
        reason: 'chargeback investigation #9',
      },
      agent,
    );
    assert.equal((await platform('POST', `/v1/grants/${g.json.id}/approve`, undefined, boss)).json.status, 'approved');
    assert.equal(
      (await platform('POST', '/v1/reveal', { subject: customer, field: 'email', purpose: 'fraud_check' }, agent))
        .status,
      200,
    );
    // Then, with no ticket, the seller's unhappy reviewers: one is not yet a response (never on
    // a single piece of evidence), two of one seller's are the pattern, and its gate allows one.
    assert.equal(
      (await platform('POST', '/v1/reveal', { subject: reviewer, field: 'email', purpose: 'review_check' }, agent))
        .status,
      403,
    );
    await s.app.detection.idle();
    assert.equal(
      (await platform('POST', '/v1/reveal', { subject: customer, field: 'email', purpose: 'fraud_check' }, agent))
        .status,
      200,
      'one unexplained reveal suspends nothing',
    );
    assert.equal(
      (await platform('POST', '/v1/reveal', { subject: reviewer2, field: 'email', purpose: 'review_check' }, agent))
        .status,
      403,
    );
    await s.app.detection.idle();
    assert.equal(
      (await platform('POST', '/v1/reveal', { subject: customer, field: 'email', purpose: 'fraud_check' }, agent))
        .status,
      403,
      'the grant is suspended',
    );
    const log = await entries();
    assert.ok(
      log.some(
        (e) =>
          e.kind === 'response' &&
          e.result === 'grants_suspended' &&
          e.staff === 'ag-7' &&
          (e.grants as string[]).includes(g.json.id),
      ),
    );
    const cases = (await platform('GET', '/v1/cases?status=open', undefined, boss)).json.cases as {
      id: string;
      actor: string;
      alerts: { rule: string }[];
    }[];
    const c = cases.find((x) => x.actor === 'staff:ag-7')!;
    assert.equal(c.alerts[0]!.rule, 'review-broker');
    assert.equal((await platform('POST', `/v1/cases/${c.id}/undo`, undefined, boss)).status, 200);
    assert.equal(
      (await platform('POST', '/v1/reveal', { subject: customer, field: 'email', purpose: 'fraud_check' }, agent))
        .status,
      200,
      'back in force after the undo',
    );
  });
});
