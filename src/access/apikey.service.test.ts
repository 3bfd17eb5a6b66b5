import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Conflict, InvalidInput, NotFound, Unauthorized } from '../lib/errors.ts';
import { DIALECTS, appOn } from '../../test/dialects.ts';
import { createApiKeyService, hasScope } from './apikey.service.ts';
import { decodeEntry } from '../audit/entry.ts';
import { tablesOf } from '../store/db.ts';
import { createAccessRepo } from './access.repo.ts';

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
      const row = await h.app.store.db
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', k.id)
        .executeTakeFirstOrThrow();
      // The secret part is everything after `ck_<id>_` (it may itself hold a `_`: splitting on the last one made this flaky).
      const secretPart = k.secret.slice(`ck_${k.id}_`.length);
      assert.ok(secretPart.length >= 32, 'the secret part is whole');
      assert.ok(!JSON.stringify(row).includes(secretPart), 'the secret is not stored');
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

for (const d of DIALECTS) {
  describe(`API keys expire, rotate and are revoked on ${d.name}`, () => {
    let offset = 0;
    const h = appOn(d.fresh, undefined, { clock: { now: () => new Date(Date.now() + offset) } });
    const log = async () =>
      (await h.app.auditRepo.entries(0, Number.MAX_SAFE_INTEGER)).map((e) => decodeEntry(e.body)!);

    test('a key lasts 90 days by default, or fewer when asked; then 401 saying it expired, audited', async () => {
      const long = await h.app.apiKeys.create({ name: 'order-system', scopes: ['platform'] });
      const short = await h.app.apiKeys.create({ name: 'one-off', scopes: ['platform'], days: 7 });
      const day = 86_400_000;
      assert.ok(Math.abs(Date.parse(long.expiresAt!) - Date.parse(long.createdAt) - 90 * day) < 1000);
      assert.ok(Math.abs(Date.parse(short.expiresAt!) - Date.parse(short.createdAt) - 7 * day) < 1000);
      await assert.rejects(
        h.app.apiKeys.create({ name: 'x', scopes: ['platform'], days: 91 }),
        (e: InvalidInput) => e instanceof InvalidInput && e.details[0]!.path === '/days',
      );
      await assert.rejects(h.app.apiKeys.create({ name: 'x', scopes: ['platform'], days: 0 }), InvalidInput);
      offset = 8 * day;
      assert.ok(await h.app.apiKeys.verify(long.secret));
      await assert.rejects(
        h.app.apiKeys.verify(short.secret),
        (e: Unauthorized) => e instanceof Unauthorized && /expired at .*rotate/.test(e.message),
      );
      const refused = (await log()).filter((e) => e.kind === 'api_key' && e.result === 'expired');
      assert.deepEqual(
        refused.map((e) => [e.actor, e.key]),
        [[`service:${short.id}`, short.id]],
      );
      // Rotating an expired key gives it a new secret for its own lifetime (7 days again); the old one is gone.
      const r = await h.app.apiKeys.rotate(short.id, 'operator:test');
      assert.ok(Math.abs(Date.parse(r.expiresAt!) - Date.parse(r.rotatedAt!) - 7 * day) < 1000);
      assert.equal((await h.app.apiKeys.verify(r.secret)).keyId, short.id);
      await assert.rejects(h.app.apiKeys.verify(short.secret), /missing, malformed, unknown or revoked/);
      offset = 91 * day;
      await assert.rejects(h.app.apiKeys.verify(long.secret), /expired/);
      offset = 0;
    });

    test('rotation stops the old secret at once and keeps id and scopes; a revoked key does not rotate; all audited', async () => {
      const k = await h.app.apiKeys.create({ name: 'desk', scopes: ['platform', 'erase'], by: 'operator:test' });
      const r = await h.app.apiKeys.rotate(k.id, 'operator:test', { days: 30 });
      assert.notEqual(r.secret, k.secret);
      assert.deepEqual((await h.app.apiKeys.verify(r.secret)).scopes, ['platform', 'erase']);
      await assert.rejects(h.app.apiKeys.verify(k.secret), Unauthorized);
      await h.app.apiKeys.revoke(k.id, 'operator:test');
      await assert.rejects(h.app.apiKeys.verify(r.secret), Unauthorized);
      await assert.rejects(h.app.apiKeys.rotate(k.id, 'operator:test'), NotFound);
      const mine = (await log()).filter((e) => e.kind === 'api_key' && e.key === k.id).map((e) => e.result);
      assert.deepEqual(mine, ['created', 'rotated', 'revoked']);
      // The whole secret part (after `ck_<id>_`; it may hold a `_` itself), never a fragment of it.
      const secretPart = r.secret.slice(`ck_${k.id}_`.length);
      assert.ok(secretPart.length >= 32, 'the secret part is whole');
      assert.ok(!JSON.stringify(await log()).includes(secretPart), 'no secret in the log');
    });

    test('rotations at once: each either wins or is a Conflict, and exactly one secret works afterwards', async () => {
      const k = await h.app.apiKeys.create({ name: 'raced', scopes: ['platform'] });
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, () => h.app.apiKeys.rotate(k.id, 'operator:test')),
      );
      const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      assert.ok(won.length >= 1);
      assert.ok(results.every((r) => r.status === 'fulfilled' || r.reason instanceof Conflict));
      // A rotation that read a secret another one replaced meanwhile does not hand out a secret of its own.
      const working = (await Promise.allSettled(won.map((w) => h.app.apiKeys.verify(w.secret)))).filter(
        (r) => r.status === 'fulfilled',
      );
      assert.equal(working.length, 1);
      assert.equal(
        (await log()).filter((e) => e.kind === 'api_key' && e.key === k.id && e.result === 'rotated').length,
        won.length,
      );
    });
  });
}

describe('a missing key id costs the same work as a wrong secret (finding 11)', () => {
  const h = appOn(DIALECTS[0].fresh);
  test('the constant-time compare runs, on 32-byte hashes, whether or not the id exists', async () => {
    const calls: [number, number][] = [];
    const keys = createApiKeyService({
      repo: createAccessRepo(tablesOf(h.app.store.db)),
      clock: { now: () => new Date() },
      audit: { append: async () => [] },
      compare: (a, b) => (calls.push([a.length, b.length]), a.equals(b)),
    });
    const k = await keys.create({ name: 'timing', scopes: ['platform'] });
    const secret = k.secret.slice(`ck_${k.id}_`.length);
    for (const wrong of [
      `ck_${k.id}_${'A'.repeat(43)}`,
      `ck_key_${'a'.repeat(26)}_${secret}`,
      'ck_nonsense',
      'cst.u-1.x',
    ]) {
      calls.length = 0;
      await assert.rejects(keys.verify(wrong), /missing, malformed, unknown or revoked/);
      assert.deepEqual(calls, [[32, 32]], wrong);
    }
    calls.length = 0;
    await keys.verify(k.secret);
    assert.deepEqual(calls, [[32, 32]]);
  });
});
