import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Conflict, InvalidInput, NotFound, Unauthorized } from '../lib/errors.ts';
import { STAFF_ROLES } from './roles.ts';
import { createStaffService } from './staff.service.ts';
import { DIALECTS, appOn } from '../../test/dialects.ts';
import { decodeEntry } from '../audit/entry.ts';
import { tablesOf } from '../store/db.ts';
import { createAccessRepo } from './access.repo.ts';

for (const d of DIALECTS) {
  describe(`staff sign-in tokens on ${d.name}`, () => {
    const h = appOn(d.fresh);

    test('a fresh token replaces the old one at once, and is in the audit log', async () => {
      const { token: old } = await h.app.staff.create({ id: 'an-7', role: 'analyst', team: 'soc' }, 'operator:test');
      const { id, token } = await h.app.staff.newToken('an-7', 'operator:test');
      assert.equal(id, 'an-7');
      assert.match(token, /^cst\.an-7\.[A-Za-z0-9_-]{43}$/);
      assert.notEqual(token, old);
      assert.deepEqual(await h.app.staff.authenticate(token), {
        id: 'an-7',
        role: 'analyst',
        team: 'soc',
        actor: 'staff:an-7',
      });
      await assert.rejects(h.app.staff.authenticate(old), Unauthorized);
      const log = (await h.app.auditRepo.entries(0, Number.MAX_SAFE_INTEGER)).map((e) => decodeEntry(e.body)!);
      const issued = log.filter((e) => e.kind === 'staff' && e.result === 'token_issued');
      assert.equal(issued.length, 1);
      assert.equal(issued[0]!.actor, 'operator:test');
      assert.ok(!JSON.stringify(issued).includes(token.split('.').pop()!), 'the secret is not logged');
    });

    test('no token for an unknown or a disabled staff member', async () => {
      await assert.rejects(h.app.staff.newToken('nobody', 'operator:test'), NotFound);
      await h.app.staff.create({ id: 'gone-1', role: 'support' }, 'operator:test');
      await h.app.staff.disable('gone-1', 'operator:test');
      await assert.rejects(h.app.staff.newToken('gone-1', 'operator:test'), NotFound);
    });

    test('a role outside STAFF_ROLES is refused; each role in it is accepted', async () => {
      for (const role of ['superuser', 'Admin', 'analyst ', 'root', ''])
        await assert.rejects(h.app.staff.create({ id: `r-${role.length}x`, role }, 'operator:test'), InvalidInput);
      assert.deepEqual(
        (await h.app.staff.list()).filter((s) => s.id.endsWith('x')),
        [],
        'nobody was added with an unknown role',
      );
      for (const [i, role] of STAFF_ROLES.entries())
        assert.equal((await h.app.staff.create({ id: `role-${i}`, role }, 'operator:test')).role, role);
    });
  });
}

for (const d of DIALECTS) {
  describe(`staff tokens expire, rotate and are revoked on ${d.name}`, () => {
    let offset = 0;
    const h = appOn(d.fresh, undefined, { clock: { now: () => new Date(Date.now() + offset) } });
    const log = async () =>
      (await h.app.auditRepo.entries(0, Number.MAX_SAFE_INTEGER)).map((e) => decodeEntry(e.body)!);

    test('a token lasts CLOAK_STAFF_TOKEN_HOURS (12 h): then 401 saying it expired, and the refusal is in the audit log', async () => {
      const { token, tokenExpiresAt } = await h.app.staff.create({ id: 'ex-1', role: 'support' }, 'operator:test');
      assert.equal(Date.parse(tokenExpiresAt!) - Date.now() - offset > 11.9 * 3_600_000, true);
      offset = 11 * 3_600_000;
      assert.equal((await h.app.staff.authenticate(token)).id, 'ex-1');
      offset = 12 * 3_600_000 + 1000;
      await assert.rejects(
        h.app.staff.authenticate(token),
        (e: Unauthorized) => e instanceof Unauthorized && /expired at .*cloak staff token/.test(e.message),
      );
      const refused = (await log()).filter((e) => e.kind === 'staff' && e.result === 'token_expired');
      assert.equal(refused.length, 1);
      assert.equal(refused[0]!.actor, 'staff:ex-1');
      // A wrong secret for the same id learns nothing about expiry.
      await assert.rejects(
        h.app.staff.authenticate(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')),
        /missing, malformed, unknown or disabled/,
      );
      // The rotation: a fresh token for a full lifetime.
      const fresh = await h.app.staff.newToken('ex-1', 'operator:test');
      assert.equal((await h.app.staff.authenticate(fresh.token)).id, 'ex-1');
      offset = 0;
    });

    test('a revoked token is refused at once with a clear message; a new token brings the member back', async () => {
      const { token } = await h.app.staff.create({ id: 'rv-1', role: 'analyst' }, 'operator:test');
      await h.app.staff.revokeToken('rv-1', 'operator:test');
      await assert.rejects(h.app.staff.authenticate(token), /was revoked/);
      await assert.rejects(h.app.staff.revokeToken('rv-1', 'operator:test'), Conflict);
      await assert.rejects(h.app.staff.revokeToken('nobody', 'operator:test'), NotFound);
      const { token: next } = await h.app.staff.newToken('rv-1', 'operator:test');
      assert.equal((await h.app.staff.authenticate(next)).id, 'rv-1');
      await assert.rejects(h.app.staff.authenticate(token), Unauthorized, 'the revoked one stays revoked');
      const mine = (await log()).filter((e) => e.kind === 'staff' && e.staff === 'rv-1').map((e) => e.result);
      assert.deepEqual(mine, ['created', 'token_revoked', 'token_issued']);
    });
  });
}

describe('a missing staff id costs the same work as a wrong secret (finding 11)', () => {
  const h = appOn(DIALECTS[0].fresh);
  test('the constant-time compare runs, on 32-byte hashes, whether or not the id exists', async () => {
    const calls: [number, number][] = [];
    const staff = createStaffService({
      repo: createAccessRepo(tablesOf(h.app.store.db)),
      clock: { now: () => new Date() },
      bus: { publish: async () => {} },
      audit: { append: async () => [] },
      compare: (a, b) => (calls.push([a.length, b.length]), a.equals(b)),
    });
    const { token } = await staff.create({ id: 'tm-1', role: 'support' }, 'operator:test');
    const secret = token.split('.').pop()!;
    for (const wrong of [
      `cst.tm-1.${'A'.repeat(43)}`,
      `cst.nobody-here.${secret}`,
      'cst.malformed',
      'ck_not_a_staff_token',
    ]) {
      calls.length = 0;
      await assert.rejects(staff.authenticate(wrong), /missing, malformed, unknown or disabled/);
      assert.deepEqual(calls, [[32, 32]], wrong);
    }
    calls.length = 0;
    await staff.authenticate(token);
    assert.deepEqual(calls, [[32, 32]]);
  });
});
