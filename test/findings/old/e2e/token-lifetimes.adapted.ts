// ADAPTED COPY of e2e/token-lifetimes.test.ts for 559925b (finding 11b). The rotation and
// revocation routes, the `days` field and the `expiresAt` answer came with the fix, so on the
// old code the original stops at a 404 of POST /v1/staff/{id}/token before it reaches expiry.
// This copy keeps only the expiry steps, over the same public API (sign-in token from
// POST /v1/staff, key from POST /v1/api-keys, the app's clock moved past the lifetime).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverOn } from '../test/dialects.ts';

describe('tokens that expire (adapted copy: expiry only)', () => {
  let offset = 0;
  const s = serverOn(
    { CLOAK_STAFF_TOKEN_HOURS: '8', CLOAK_API_KEY_DAYS: '30' },
    { clock: { now: () => new Date(Date.now() + offset) } },
  );
  const call = async (method: string, path: string, body?: unknown, token = s.admin) => {
    const r = await fetch(`${s.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return { status: r.status, json: text ? JSON.parse(text) : undefined };
  };
  const HOUR = 3_600_000;

  test('a staff token expires after CLOAK_STAFF_TOKEN_HOURS (401 "expired")', async () => {
    const first = (await call('POST', '/v1/staff', { id: 'an-1', role: 'analyst' })).json.token as string;
    assert.equal((await call('GET', '/v1/cases', undefined, first)).status, 200);
    offset = 8 * HOUR + 60_000;
    const expired = await call('GET', '/v1/cases', undefined, first);
    offset = 0;
    assert.equal(expired.status, 401, 'a staff token 8 h 1 min old still works');
    assert.match(expired.json.error.message, /expired/);
  });

  test('an API key expires after CLOAK_API_KEY_DAYS (401 "expired")', async () => {
    const k = (await call('POST', '/v1/api-keys', { name: 'month', scopes: ['audit'] })).json;
    assert.equal((await call('GET', '/v1/audit/entries/0', undefined, k.secret)).status, 200);
    offset = 30 * 24 * HOUR + 60_000;
    const expired = await call('GET', '/v1/audit/entries/0', undefined, k.secret);
    offset = 0;
    assert.equal(expired.status, 401, 'an API key 30 days 1 min old still works');
    assert.match(expired.json.error.message, /expired/);
  });
});
