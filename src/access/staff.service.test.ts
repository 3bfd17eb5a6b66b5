import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NotFound, Unauthorized } from '../lib/errors.ts';
import { DIALECTS, appOn } from '../../test/dialects.ts';
import { decodeEntry } from '../audit/entry.ts';

for (const d of DIALECTS) {
  describe(`staff sign-in tokens on ${d.name}`, () => {
    const h = appOn(d.fresh);

    test('a fresh token replaces the old one at once, and is in the audit log', async () => {
      const { token: old } = await h.app.staff.create({ id: 'an-7', role: 'analyst', team: 'soc' }, 'operator:test');
      const { id, token } = await h.app.staff.newToken('an-7', 'operator:test');
      assert.equal(id, 'an-7');
      assert.match(token, /^cst\.an-7\.[A-Za-z0-9_-]{43}$/);
      assert.notEqual(token, old);
      assert.deepEqual(await h.app.staff.authenticate(token), { id: 'an-7', role: 'analyst', team: 'soc', actor: 'staff:an-7' });
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
  });
}
