import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverOn, callerOf } from '../test/dialects.ts';
import { enrollOverHttp } from '../test/devices.ts';

/**
 * Separation of duties over the real API (the security review's findings 3 and 8, test/findings.md): the suspect of a case
 * never handles it (assign, comment, close, escalate, undo its response), an admin never puts
 * their own suspended grant back in force, and both routes that set a device's status ask the
 * same rule. Each refusal is 403 and changes nothing.
 */
describe('separation of duties', () => {
  const s = serverOn();
  const call = callerOf(s);
  const staff = async (id: string, role: string) =>
    (await call('POST', '/v1/staff', { id, role })).json.token as string;
  const w = { reviewer: '', customer: '', reviewer2: '' };
  type CaseOut = {
    id: string;
    actor: string;
    status: string;
    assignee: string | null;
    comments: unknown[];
    incident: string | null;
    actions: { type: string; undone?: string }[];
  };
  const caseOf = async (actor: string, token: string) =>
    ((await call('GET', '/v1/cases?status=open', undefined, token)).json.cases as CaseOut[]).find(
      (c) => c.actor === actor,
    );

  test('setup: a seller’s unhappy reviewer and a customer', async () => {
    [w.reviewer, w.customer, w.reviewer2] = (
      await call('POST', '/v1/subjects/batch', {
        subjects: [
          { kind: 'reviewer', externalId: 'rv-1', fields: { email: 'unhappy@example.vn' } },
          { externalId: 'cu-1', fields: { phone: '0912 000 111' } },
          { kind: 'reviewer', externalId: 'rv-2', fields: { email: 'also-unhappy@example.vn' } },
        ],
      })
    ).json.results.map((r: { token: string }) => r.token);
    assert.equal(
      (await call('POST', '/v1/reviews', { id: 'rev-1', reviewer: w.reviewer, seller: 's-9', rating: 1 })).status,
      201,
    );
    assert.equal(
      (await call('POST', '/v1/reviews', { id: 'rev-2', reviewer: w.reviewer2, seller: 's-9', rating: 2 })).status,
      201,
    );
  });

  test('an analyst cannot close, comment on, assign or escalate their own case; a colleague can', async () => {
    const suspect = await staff('an-9', 'analyst');
    const colleague = await staff('an-2', 'analyst');
    // The analyst looks up the seller's unhappy reviewers with no ticket: detection opens a case on them.
    // Two of one seller's unhappy reviewers: the pattern, and enough evidence for a response.
    await call('POST', '/v1/reveal', { subject: w.reviewer, field: 'email', purpose: 'review_check' }, suspect);
    await call('POST', '/v1/reveal', { subject: w.reviewer2, field: 'email', purpose: 'review_check' }, suspect);
    await s.app.detection.idle();
    const c = (await caseOf('staff:an-9', colleague))!;
    assert.ok(c, 'a case on the analyst');

    const closed = await call(
      'POST',
      `/v1/cases/${c.id}/resolve`,
      { resolution: 'false_positive', reason: 'routine check' },
      suspect,
    );
    assert.equal(closed.status, 403, 'the suspect does not close their own case as a false positive');
    assert.match(closed.json.error.message, /suspect of this case/);
    assert.equal(
      (
        await call(
          'POST',
          '/v1/cases/bulk',
          { ids: [c.id], action: 'close', classification: 'false_positive', reason: 'routine check' },
          suspect,
        )
      ).status,
      403,
      'nor in bulk',
    );
    assert.equal(
      (await call('POST', `/v1/cases/${c.id}/comments`, { text: 'nothing to see here' }, suspect)).status,
      403,
    );
    assert.equal((await call('POST', `/v1/cases/${c.id}/assign`, { assignee: 'an-2' }, suspect)).status, 403);
    assert.equal(
      (
        await call(
          'POST',
          `/v1/cases/${c.id}/escalate`,
          { title: 'my own case', where: 'hub', measures: 'none' },
          suspect,
        )
      ).status,
      403,
    );
    assert.equal(
      (await call('POST', `/v1/cases/${c.id}/assign`, { assignee: 'an-9' }, colleague)).status,
      403,
      'nor is a case assigned to its suspect',
    );
    const after = (await call('GET', `/v1/cases/${c.id}`, undefined, colleague)).json as CaseOut;
    assert.deepEqual(
      [after.status, after.assignee, after.comments.length, after.incident],
      ['open', null, 0, null],
      'nothing changed',
    );
    assert.equal(
      (await call('GET', '/v1/incidents', undefined, await staff('po-1', 'privacy'))).json.incidents?.length ?? 0,
      0,
      'no incident was opened',
    );

    assert.equal((await call('POST', `/v1/cases/${c.id}/assign`, { assignee: 'an-2' }, colleague)).status, 200);
    assert.equal(
      (await call('POST', `/v1/cases/${c.id}/resolve`, { resolution: 'true_positive' }, colleague)).json.status,
      'resolved',
    );
  });

  test('an admin cannot undo the suspension of their own grant, close their case, and reveal with the grant', async () => {
    const suspect = await staff('adm-1', 'admin');
    const approver = await staff('sup-1', 'supervisor');
    const other = await staff('adm-2', 'admin');
    const g = await call(
      'POST',
      '/v1/grants',
      {
        subject: w.customer,
        fields: ['phone'],
        purpose: 'fraud_check',
        minutes: 60,
        reason: 'chargeback investigation #12',
      },
      suspect,
    );
    assert.equal(
      (await call('POST', `/v1/grants/${g.json.id}/approve`, undefined, suspect)).status,
      403,
      'not approved by its requester',
    );
    assert.equal((await call('POST', `/v1/grants/${g.json.id}/approve`, undefined, approver)).json.status, 'approved');
    // Two of one seller's unhappy reviewers: the pattern, and enough evidence for a response.
    await call('POST', '/v1/reveal', { subject: w.reviewer, field: 'email', purpose: 'review_check' }, suspect);
    await call('POST', '/v1/reveal', { subject: w.reviewer2, field: 'email', purpose: 'review_check' }, suspect);
    await s.app.detection.idle();
    const c = (await caseOf('staff:adm-1', other))!;
    assert.deepEqual(
      c.actions.map((a) => a.type),
      ['grants_suspended'],
    );

    const undo = await call('POST', `/v1/cases/${c.id}/undo`, undefined, suspect);
    assert.equal(undo.status, 403, 'the suspect does not undo the response to their own case');
    assert.equal(
      (await call('POST', `/v1/cases/${c.id}/resolve`, { resolution: 'false_positive' }, suspect)).status,
      403,
    );
    assert.equal(
      (await call('POST', '/v1/reveal', { subject: w.customer, field: 'phone', purpose: 'fraud_check' }, suspect))
        .status,
      403,
      'the grant stays suspended',
    );
    const still = (await call('GET', `/v1/cases/${c.id}`, undefined, other)).json as CaseOut;
    assert.equal(still.status, 'open');
    assert.equal(still.actions[0]!.undone, undefined);
    assert.equal(
      (await call('POST', `/v1/entities/staff/adm-1/suspend-grants`, undefined, suspect)).status,
      403,
      'nor do they act on their own grants from the entity page',
    );

    // Another admin reviews it and puts the grant back in force.
    assert.equal((await call('POST', `/v1/cases/${c.id}/undo`, undefined, other)).status, 200);
    assert.equal(
      (await call('POST', '/v1/reveal', { subject: w.customer, field: 'phone', purpose: 'fraud_check' }, suspect))
        .status,
      200,
    );
  });

  test('both routes that set a device’s status ask the same rule: analysts quarantine, admins also release', async () => {
    assert.equal((await call('POST', '/v1/stations', { id: 'st-x', name: 'X', kind: 'delivery' })).status, 201);
    const d = await enrollOverHttp(s.url, s.admin, 'st-x', 'a'.repeat(64));
    const analyst = await staff('an-5', 'analyst');
    const boss = await staff('sup-5', 'supervisor');
    const viaDevices = (status: string, token: string) => call('POST', `/v1/devices/${d.id}/status`, { status }, token);
    const viaEntity = (status: string, token: string) =>
      call('POST', `/v1/entities/device/${d.id}/status`, { status }, token);
    assert.equal((await viaDevices('restricted', analyst)).status, 200, 'an analyst quarantines from the devices page');
    assert.equal((await viaEntity('revoked', analyst)).status, 200, 'and from the entity page');
    const release = await viaDevices('active', analyst);
    assert.equal(release.status, 403, 'but does not put it back in service');
    assert.match(release.json.error.message, /back in service needs one of the roles admin, supervisor/);
    assert.equal((await s.app.devices.get(d.id)).status, 'revoked', 'unchanged');
    assert.equal((await viaDevices('active', boss)).status, 200);
    assert.equal((await viaDevices('revoked', await staff('sup-6', 'support'))).status, 403);
    assert.equal((await viaEntity('revoked', boss)).status, 200);
    assert.equal((await viaDevices('active', s.admin)).status, 200, 'an admin API key too');
  });
});
