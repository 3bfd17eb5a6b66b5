import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverOn } from '../test/dialects.ts';

/**
 * Invariant 2: no personal data in logs, errors or metrics. Canary values are planted
 * through every endpoint, in good requests and bad ones; then every log line, every
 * response body of a failed request, and the metrics output are searched for them.
 */
const C = {
  name: 'Quách Canaryname Zyxel',
  phone: '0912 837 465',
  email: 'canarymail.zq81@example.vn',
  address: '99 Đường Canarystreet, Phường Bến Nghé, Quận 3, TP. Hồ Chí Minh',
  note: 'CANARYNOTE-5521',
};
/** What must never appear: each value, and the parts of it a leak would most likely show. */
const NEEDLES = [
  'Canaryname',
  'canaryname',
  'Zyxel',
  'zyxel',
  'quach canaryname',
  '912837465',
  '0912837465',
  '0912 837 465',
  '2837465',
  'canarymail',
  'CANARYMAIL',
  'Canarystreet',
  'canarystreet',
  'CANARYNOTE',
  'CANARYBAD',
  'CANARYJSON',
  'CANARYTEXT',
  'CANARYPATH',
  'CANARYLOOKUP',
  'CANARYAUTH',
  'CANARYQUERY',
  'CANARYKEY',
];

function findCanaries(haystack: string): string[] {
  return NEEDLES.filter((n) => haystack.includes(n));
}

describe('canaries never leak through the API, its logs or its metrics', () => {
  const logLines: string[] = [];
  const errorBodies: string[] = [];
  const okBodies: string[] = [];

  async function call(
    method: string,
    path: string,
    body?: unknown,
    opts: { key?: string; raw?: string; type?: string } = {},
  ) {
    const headers: Record<string, string> = {};
    if (opts.key !== '') headers.authorization = `Bearer ${opts.key ?? s.admin}`;
    if (body !== undefined || opts.raw !== undefined) headers['content-type'] = opts.type ?? 'application/json';
    const res = await fetch(`${s.url}${path}`, {
      method,
      headers,
      body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    (res.status >= 400 ? errorBodies : okBodies).push(text);
    return { status: res.status, text, json: () => JSON.parse(text) };
  }

  const s = serverOn(
    { CLOAK_LOG_LEVEL: 'trace' },
    { logDestination: { write: (line: string) => void logLines.push(line) } },
  );

  test('drive every endpoint with canary data, succeeding and failing', async () => {
    const created = await call('POST', '/v1/subjects', { kind: 'customer', externalId: 'canary-1', fields: C });
    assert.equal(created.status, 201);
    const token = created.json().token as string;
    assert.equal(
      (await call('POST', '/v1/subjects', { kind: 'customer', externalId: 'canary-1', fields: C })).status,
      200,
    );
    assert.equal(
      (
        await call('POST', '/v1/subjects/batch', {
          subjects: [
            { externalId: 'canary-2', fields: C },
            { externalId: 'canary-3', fields: { ...C, phone: '+86 138 0013 8000' } },
          ],
        })
      ).status,
      200,
    );
    assert.equal((await call('GET', `/v1/subjects/${token}`)).status, 200);
    for (const [field, value] of [
      ['name', C.name],
      ['phone', C.phone],
      ['email', C.email],
      ['name', 'quach canaryname zyxel'],
    ] as const) {
      const r = await call('POST', '/v1/subjects/lookup', { field, value });
      assert.equal(r.status, 200);
      assert.ok(r.json().tokens.includes(token));
    }
    // Failing requests, each carrying canaries where a careless error would echo them.
    const bad: [string, string, unknown, { key?: string; raw?: string; type?: string }?][] = [
      ['POST', '/v1/subjects', { fields: { ...C, phone: 'CANARYBAD-PHONE' } }],
      ['POST', '/v1/subjects', { fields: { ...C, email: 'CANARYBAD-MAIL@' } }],
      ['POST', '/v1/subjects', { fields: { name: '', phone: C.phone } }],
      ['POST', '/v1/subjects', { fields: { CANARYKEY_Field: C.note } }],
      ['POST', '/v1/subjects', { fields: C, CANARYKEY: C.name }],
      ['POST', '/v1/subjects', { externalId: 'has space CANARYBAD', fields: C }],
      ['POST', '/v1/subjects', { fields: { ...C, address: { street: C.address } } }],
      ['POST', '/v1/subjects', { fields: { phone: 912837465 } }],
      ['POST', '/v1/subjects', { fields: { CANARYKEY_0912837465: 42 } }],
      ['POST', '/v1/subjects', undefined, { raw: `{"fields":{"name":"CANARYJSON ${C.name}"` }],
      ['POST', '/v1/subjects', undefined, { raw: `name=${C.name}&CANARYTEXT=1`, type: 'text/plain' }],
      ['POST', '/v1/subjects/batch', { subjects: [{ fields: C }, { fields: { phone: 'CANARYBAD-2' } }] }],
      ['POST', '/v1/subjects/lookup', { field: 'phone', value: 'CANARYLOOKUP-phone' }],
      ['POST', '/v1/subjects/lookup', { field: 'address', value: C.address }],
      ['POST', '/v1/subjects/lookup', { field: 'email', value: C.email, extra: 'CANARYBAD' }],
      ['GET', '/v1/subjects/CANARYPATH-0912837465', undefined],
      ['GET', '/v1/subjects/sub_aaaaaaaaaaaaaaaaaaaaaaaaaa?q=CANARYQUERY', undefined],
      ['GET', `/v1/nowhere/CANARYPATH/${encodeURIComponent(C.name)}`, undefined],
      ['GET', `/v1/subjects/${token}`, undefined, { key: 'CANARYAUTH-0912837465' }],
      ['GET', `/v1/subjects/${token}`, undefined, { key: '' }],
      ['POST', '/v1/api-keys', { name: 'CANARYBAD name with ✓', scopes: ['platform'] }],
      ['POST', '/v1/api-keys', { name: 'ok', scopes: ['CANARYBAD'] }],
      ['DELETE', '/v1/api-keys/CANARYPATH', undefined],
    ];
    for (const [method, path, body, opts] of bad) {
      const r = await call(method, path, body, opts);
      assert.ok(r.status >= 400 && r.status < 500, `${method} ${path} should fail with a 4xx, got ${r.status}`);
      const j = r.json();
      assert.equal(typeof j.error.code, 'string');
      assert.equal(typeof j.error.message, 'string');
      assert.ok(!/\bat .+\.(ts|js):\d+/.test(r.text), 'no stack trace in an error body');
    }
    // A platform key may not erase; an erase key may.
    const platformKey = (await call('POST', '/v1/api-keys', { name: 'order-system', scopes: ['platform'] })).json()
      .secret as string;
    assert.equal((await call('DELETE', `/v1/subjects/${token}`, undefined, { key: platformKey })).status, 403);
    assert.equal((await call('GET', `/v1/subjects/${token}`, undefined, { key: platformKey })).status, 200);
    assert.equal((await call('DELETE', `/v1/subjects/${token}`)).status, 200);
    assert.equal((await call('GET', `/v1/subjects/${token}`)).status, 404);
    assert.equal((await call('GET', '/v1/keys')).status, 200);
    assert.equal((await call('POST', '/v1/keys/rewrap')).status, 200);
    assert.equal((await call('GET', '/v1/api-keys')).status, 200);
    assert.equal((await call('GET', '/health', undefined, { key: '' })).status, 200);
    assert.equal((await call('GET', '/docs/json', undefined, { key: '' })).status, 200);
    assert.equal((await call('GET', '/metrics', undefined, { key: platformKey })).status, 403);
  });

  test('no canary in any log line, error body, success body or the metrics', async () => {
    const metrics = await call('GET', '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /cloak_http_requests_total\{method="POST",route="\/v1\/subjects",status="400"\}/);
    assert.match(metrics.text, /cloak_vault_lookups_total\{field="phone"\}/);
    assert.ok(logLines.length > 50, 'the logs were captured');
    assert.ok(errorBodies.length >= 20);
    assert.deepEqual(findCanaries(logLines.join('\n')), [], 'canary in the logs');
    assert.deepEqual(findCanaries(errorBodies.join('\n')), [], 'canary in an error body');
    assert.deepEqual(findCanaries(okBodies.join('\n')), [], 'canary in a response (only masks may leave)');
    assert.deepEqual(findCanaries(metrics.text), [], 'canary in the metrics');
  });

  test('the needles do find a leak: the canary values are in the request side of this test', () => {
    assert.deepEqual(findCanaries(JSON.stringify(C)).length > 5, true);
  });
});
