import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEntry } from '../src/audit/entry.ts';
import { serverOn, callerOf } from '../test/dialects.ts';
import { main } from '../src/cli/main.ts';

/**
 * Tokens that expire (the security review's finding 11b, test/findings.md), over the real API and the CLI: staff sign-in
 * tokens and API keys have lifetimes, rotate (the old secret stops at once) and are revoked;
 * expired or revoked is a 401 that says so; each step is in the audit log.
 */
describe('tokens that expire, rotate and are revoked', () => {
  let offset = 0;
  const s = serverOn(
    { CLOAK_STAFF_TOKEN_HOURS: '8', CLOAK_API_KEY_DAYS: '30' },
    { clock: { now: () => new Date(Date.now() + offset) } },
  );
  const call = callerOf(s);
  const entries = async () =>
    (await s.app.auditRepo.entries(0, Number.MAX_SAFE_INTEGER)).map((e) => decodeEntry(e.body)!);
  const HOUR = 3_600_000;

  test('a staff token: rotated over HTTP (old one 401 at once), revoked (401 "revoked"), expired after CLOAK_STAFF_TOKEN_HOURS (401 "expired")', async () => {
    const first = (await call('POST', '/v1/staff', { id: 'an-1', role: 'analyst' })).json.token as string;
    assert.equal((await call('GET', '/v1/cases', undefined, first)).status, 200);
    const rotated = await call('POST', '/v1/staff/an-1/token');
    assert.equal(rotated.status, 201);
    assert.ok(Math.abs(Date.parse(rotated.json.expiresAt) - Date.now() - 8 * HOUR) < 60_000);
    assert.equal((await call('GET', '/v1/cases', undefined, first)).status, 401, 'the old token stops at once');
    assert.equal((await call('GET', '/v1/cases', undefined, rotated.json.token)).status, 200);
    assert.equal((await call('POST', '/v1/staff/an-1/token/revoke')).status, 204);
    const revoked = await call('GET', '/v1/cases', undefined, rotated.json.token);
    assert.equal(revoked.status, 401);
    assert.match(revoked.json.error.message, /revoked/);
    assert.equal((await call('POST', '/v1/staff/an-1/token/revoke')).status, 409);
    assert.equal((await call('POST', '/v1/staff/nobody/token')).status, 404);
    const fresh = (await call('POST', '/v1/staff/an-1/token')).json.token as string;
    assert.equal(
      (await call('POST', '/v1/staff/an-1/token', undefined, fresh)).status,
      401,
      'a staff token does not issue tokens',
    );
    offset = 8 * HOUR + 60_000;
    const expired = await call('GET', '/v1/cases', undefined, fresh);
    assert.equal(expired.status, 401);
    assert.match(expired.json.error.message, /expired/);
    offset = 0;
    const mine = (await entries())
      .filter((e) => e.kind === 'staff' && e.staff === 'an-1')
      .map((e) => `${e.result}:${e.actor}`);
    const admin = (await entries()).find((e) => e.kind === 'staff' && e.result === 'created')!.actor;
    assert.deepEqual(mine, [
      `created:${admin}`,
      `token_issued:${admin}`,
      `token_revoked:${admin}`,
      `token_issued:${admin}`,
      'token_expired:staff:an-1',
    ]);
  });

  test('an API key: created shorter, expires (401 "expired"), rotated over HTTP (old secret 401 at once), revoked', async () => {
    assert.equal(
      (await call('POST', '/v1/api-keys', { name: 'too-long', scopes: ['platform'], days: 31 })).status,
      400,
      'no longer than CLOAK_API_KEY_DAYS',
    );
    const k = (await call('POST', '/v1/api-keys', { name: 'one-week', scopes: ['audit'], days: 7 })).json;
    assert.ok(Math.abs(Date.parse(k.expiresAt) - Date.parse(k.createdAt) - 7 * 24 * HOUR) < 1000);
    assert.equal((await call('GET', '/v1/audit/entries/0', undefined, k.secret)).status, 200);
    offset = 7 * 24 * HOUR + 60_000;
    const expired = await call('GET', '/v1/audit/entries/0', undefined, k.secret);
    assert.equal(expired.status, 401);
    assert.match(expired.json.error.message, /expired/);
    offset = 0;
    const r = await call('POST', `/v1/api-keys/${k.id}/rotate?days=2`);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.ok(Math.abs(Date.parse(r.json.expiresAt) - Date.parse(r.json.rotatedAt) - 2 * 24 * HOUR) < 1000);
    assert.equal(
      (await call('GET', '/v1/audit/entries/0', undefined, k.secret)).status,
      401,
      'the old secret stops at once',
    );
    assert.equal((await call('GET', '/v1/audit/entries/0', undefined, r.json.secret)).status, 200);
    assert.equal((await call('DELETE', `/v1/api-keys/${k.id}`)).status, 204);
    assert.equal((await call('GET', '/v1/audit/entries/0', undefined, r.json.secret)).status, 401);
    const again = await call('POST', `/v1/api-keys/${k.id}/rotate`);
    assert.equal(again.status, 404, `a revoked key does not rotate: ${JSON.stringify(again.json)}`);
    const listed = (await call('GET', '/v1/api-keys')).json.keys.find((x: { id: string }) => x.id === k.id);
    assert.ok(listed.expiresAt && listed.rotatedAt && listed.revokedAt);
    const mine = (await entries()).filter((e) => e.kind === 'api_key' && e.key === k.id).map((e) => e.result);
    assert.deepEqual(mine, ['created', 'expired', 'rotated', 'revoked']);
  });

  test('the CLI rotates and revokes where it creates', async () => {
    const cloak = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(
        ['node', 'cloak', ...argv],
        { ...s.db.env },
        { out: (l) => out.push(l), err: (l) => err.push(l), isTty: false },
      );
      return { code, stdout: out.join('\n'), stderr: err.join('\n') };
    };
    const created = await cloak('api-keys', 'create', '--name', 'cli-key', '--scopes', 'audit', '--days', '5');
    assert.equal(created.code, 0, created.stderr);
    const id = /id:\s+(key_\S+)/.exec(created.stdout)![1]!;
    const old = /secret:\s+(\S+)/.exec(created.stdout)![1]!;
    const rotated = await cloak('api-keys', 'rotate', id);
    assert.equal(rotated.code, 0, rotated.stderr);
    const secret = /secret:\s+(\S+)/.exec(rotated.stdout)![1]!;
    assert.equal((await call('GET', '/v1/audit/entries/0', undefined, old)).status, 401);
    assert.equal((await call('GET', '/v1/audit/entries/0', undefined, secret)).status, 200);
    const bad = await cloak('api-keys', 'create', '--name', 'x', '--days', 'soon');
    assert.notEqual(bad.code, 0, 'a bad --days is refused');
    assert.match(bad.stderr, /days/);
    const token = (await call('POST', '/v1/staff', { id: 'cli-1', role: 'analyst' })).json.token as string;
    const r = await cloak('staff', 'revoke-token', 'cli-1');
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await call('GET', '/v1/cases', undefined, token)).status, 401);
    assert.match((await cloak('staff', 'list')).stdout, /cli-1 .* token revoked/);
  });
});
