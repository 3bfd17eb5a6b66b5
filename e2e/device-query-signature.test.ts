import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signDeviceRequest } from '../src/devices/httpsig.ts';
import { serverOn } from '../test/dialects.ts';
import { enrollOverHttp, signedDeviceCall } from '../test/devices.ts';

/** Device signatures cover the query (the security review's finding 11e, test/findings.md): one changed after signing is refused over HTTP. */
describe('device signatures cover @query', () => {
  const s = serverOn();
  test('a signed request whose query was changed after signing is refused; the one signed is served', async () => {
    await fetch(`${s.url}/v1/stations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'st-q', name: 'Q', kind: 'delivery' }),
    });
    const d = await enrollOverHttp(s.url, s.admin, 'st-q', 'a'.repeat(64));
    const path = '/v1/device/me?view=full';
    const base = { method: 'GET', url: path, headers: { host: new URL(s.url).host } };
    const headers = { ...base.headers, ...(await signDeviceRequest(base, { keyid: d.id, privateKey: d.key })) };
    const changed = await fetch(`${s.url}/v1/device/me?view=other`, { headers });
    assert.equal(changed.status, 401);
    assert.match(((await changed.json()) as { error: { message: string } }).error.message, /does not verify/);
    assert.equal((await fetch(`${s.url}/v1/device/me`, { headers })).status, 401, 'nor dropped');
    assert.equal(await signedDeviceCall(s.url, d, 'GET', '/v1/device/me?view=full'), 200, 'the helper signs the query');
  });
});
