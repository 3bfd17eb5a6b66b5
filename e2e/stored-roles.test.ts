import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF_ROLES } from '../src/access/roles.ts';
import { serverOn, callerOf } from '../test/dialects.ts';

/**
 * The API publishes a staff member's role as the closed set STAFF_ROLES, in requests and in
 * answers. Members added before the set was closed may hold another role in the database:
 * such a member is still listed, flagged (`role: null`, `unknownRole`), and never turns an
 * answer that lists them into a 500 (the serializer refuses a value outside the enum).
 */
describe('roles: a closed set in the API, older stored roles flagged', () => {
  const s = serverOn();
  const call = callerOf(s);

  test('the document lists the roles and scopes in the staff and API-key schemas', async () => {
    const doc = (await (await fetch(`${s.url}/docs/json`)).json()) as { paths: Record<string, any> };
    // OpenAPI 3.1 writes each literal as a one-value enum; a nullable role nests its union.
    const consts = (schema: any): unknown[] => (schema.anyOf ?? []).flatMap((x: any) => x.enum ?? x.const ?? consts(x));
    const body = (path: string) => doc.paths[path].post.requestBody.content['application/json'].schema;
    assert.deepEqual(consts(body('/v1/staff').properties.role), [...STAFF_ROLES]);
    const listed = doc.paths['/v1/staff'].get.responses['200'].content['application/json'].schema;
    assert.deepEqual(consts(listed.properties.staff.items.properties.role), [...STAFF_ROLES]);
    assert.deepEqual(consts(body('/v1/api-keys').properties.scopes.items), [
      'platform',
      'erase',
      'audit',
      'telephony',
      'admin',
    ]);
  });

  test('a role outside the set is refused on write, with the roles there are', async () => {
    const r = await call('POST', '/v1/staff', { id: 'r-new', role: 'ops' });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 'invalid_input');
    assert.deepEqual(r.json.error.details, [
      { path: '/body/role', problem: `must be one of ${STAFF_ROLES.join(', ')}` },
    ]);
    assert.equal((await call('GET', '/v1/staff')).json.staff.filter((m: { id: string }) => m.id === 'r-new').length, 0);
  });

  test('a stored role outside the set is listed and flagged, and GET /v1/me says why instead of failing', async () => {
    const created = await call('POST', '/v1/staff', { id: 'r-old', role: 'support', team: 'desk' });
    assert.equal(created.status, 201);
    assert.equal(created.json.role, 'support');
    const boss = (await call('POST', '/v1/staff', { id: 'r-boss', role: 'supervisor' })).json.token as string;
    // As a member added before the set was closed.
    await s.app.store.db.updateTable('staff').set({ role: 'ops' }).where('id', '=', 'r-old').execute();
    await s.app.store.db
      .insertInto('break_glass')
      .values({
        audit_index: 999_999,
        actor: 'staff:r-old',
        role: 'ops',
        subject: 'sub_aaaaaaaaaaaaaaaaaaaaaaaaaa',
        field: 'phone',
        purpose: 'ticket_followup',
        justification: 'an older break-glass reveal',
        at: new Date().toISOString(),
        reviewed_by: null,
        reviewed_at: null,
        review_note: null,
      })
      .execute();

    const list = await call('GET', '/v1/staff');
    assert.equal(list.status, 200);
    const byId = new Map(list.json.staff.map((m: { id: string }) => [m.id, m]));
    assert.deepEqual(byId.get('r-old'), {
      id: 'r-old',
      role: null,
      unknownRole: 'ops',
      team: 'desk',
      station: null,
      createdAt: created.json.createdAt,
      disabledAt: null,
    });
    assert.equal((byId.get('r-boss') as { role: string }).role, 'supervisor');
    assert.equal('unknownRole' in (byId.get('r-boss') as object), false);

    const me = await call('GET', '/v1/me', undefined, created.json.token);
    assert.equal(me.status, 403);
    assert.match(me.json.error.message, /none of the staff roles/);
    assert.equal((await call('GET', '/v1/me', undefined, boss)).json.role, 'supervisor');

    const glass = await call('GET', '/v1/break-glass', undefined, boss);
    assert.equal(glass.status, 200);
    const old = glass.json.breakGlass.find((b: { auditIndex: number }) => b.auditIndex === 999_999);
    assert.equal(old.role, null);
    assert.equal(old.unknownRole, 'ops');
    const signed = await call('POST', '/v1/break-glass/999999/sign-off', { note: 'reviewed, fine' }, boss);
    assert.equal(signed.status, 200);
    assert.equal(signed.json.unknownRole, 'ops');
    assert.equal(signed.json.reviewedBy, 'r-boss');

    assert.equal((await call('POST', '/v1/staff/r-old/disable')).status, 204);
  });
  test('a stored role outside the set does not see who wrote a review; the roles that may, do', async () => {
    const [reviewer] = (
      await call('POST', '/v1/subjects/batch', {
        subjects: [{ kind: 'reviewer', externalId: 'rv-roles', fields: { email: 'reviewer@example.vn' } }],
      })
    ).json.results.map((r: { token: string }) => r.token) as [string];
    assert.equal(
      (await call('POST', '/v1/reviews', { id: 'rev-roles', reviewer, seller: 's-1', rating: 1 })).status,
      201,
    );
    const member = async (id: string, role: string) =>
      (await call('POST', '/v1/staff', { id, role })).json.token as string;
    const agent = await member('r-agent', 'support');
    const mod = await member('r-mod', 'moderator');
    const old = await member('r-older', 'support');
    await s.app.store.db.updateTable('staff').set({ role: 'ops' }).where('id', '=', 'r-older').execute();
    const read = async (token: string) => (await call('GET', '/v1/reviews/rev-roles', undefined, token)).json;
    assert.equal((await read(agent)).reviewer, reviewer);
    assert.equal((await read(mod)).reviewer, undefined);
    const seen = await read(old);
    assert.equal(seen.id, 'rev-roles');
    assert.equal(seen.reviewer, undefined);
  });
});
