import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidInput, NotFound, Unauthorized } from '../lib/errors.ts';
import { DIALECTS, appOn } from '../../test/dialects.ts';
import { hasScope } from './apikey.service.ts';

for (const d of DIALECTS) {
  describe(`API keys on ${d.name}`, () => {
    const h = appOn(d.fresh);

    test('a created key verifies with its scopes; only its hash is stored', async () => {
      const k = await h.app.apiKeys.create({ name: 'order-system', scopes: ['platform'] });
      assert.match(k.secret, /^ck_key_[a-z2-9]{26}_[A-Za-z0-9_-]{43}$/);
      const p = await h.app.apiKeys.verify(k.secret);
      assert.deepEqual(p.scopes, ['platform']);
      assert.equal(p.actor, `service:${k.id}`);
      assert.ok(hasScope(p, 'platform') && !hasScope(p, 'erase') && !hasScope(p, 'admin'));
      const row = await h.app.store.db.selectFrom('api_keys').selectAll().where('id', '=', k.id).executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(row).includes(k.secret.split('_').pop()!), 'the secret is not stored');
      assert.equal((await h.app.apiKeys.list()).find((x) => x.id === k.id)?.name, 'order-system');
    });

    test('a wrong secret, a malformed key, a revoked key are all refused alike', async () => {
      const k = await h.app.apiKeys.create({ name: 'support-desk', scopes: ['platform', 'erase'] });
      const tampered = k.secret.slice(0, -1) + (k.secret.endsWith('A') ? 'B' : 'A');
      await assert.rejects(h.app.apiKeys.verify(tampered), Unauthorized);
      await assert.rejects(h.app.apiKeys.verify('ck_nonsense'), Unauthorized);
      await h.app.apiKeys.revoke(k.id);
      await assert.rejects(h.app.apiKeys.verify(k.secret), Unauthorized);
      await assert.rejects(h.app.apiKeys.revoke(k.id), NotFound);
    });

    test('admin holds every scope; bad names and scopes are refused', async () => {
      const a = await h.app.apiKeys.verify((await h.app.apiKeys.create({ name: 'ops', scopes: ['admin'] })).secret);
      assert.ok(hasScope(a, 'platform') && hasScope(a, 'erase'));
      await assert.rejects(h.app.apiKeys.create({ name: 'x', scopes: ['root'] }), InvalidInput);
      await assert.rejects(h.app.apiKeys.create({ name: 'x', scopes: [] }), InvalidInput);
      await assert.rejects(h.app.apiKeys.create({ name: '', scopes: ['platform'] }), InvalidInput);
    });
  });
}
