import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { signDeviceRequest } from '../src/devices/httpsig.ts';
import { serverOn } from '../test/dialects.ts';

/** A scanner as it would run: its own key pair, signing every request it sends. */
describe('the device gateway over HTTP', () => {
  const s = serverOn();
  const scanner = generateKeyPairSync('ed25519');
  let deviceId = '';
  const BUILD = 'c'.repeat(64);

  const adminCall = (method: string, path: string, body?: unknown) =>
    fetch(`${s.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${s.admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });

  async function deviceCall(
    method: string,
    path: string,
    body?: unknown,
    tweak: (h: Record<string, string>, b: Buffer) => { headers: Record<string, string>; body: Buffer } = (
      headers,
      b,
    ) => ({ headers, body: b }),
  ) {
    const raw = Buffer.from(body === undefined ? '' : JSON.stringify(body));
    const host = new URL(s.url).host;
    const base = {
      method,
      url: path,
      headers: { host, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: raw,
    };
    const sig = await signDeviceRequest(base, { keyid: deviceId, privateKey: scanner.privateKey });
    const t = tweak({ ...base.headers, ...sig }, raw);
    const res = await fetch(`${s.url}${path}`, {
      method,
      headers: t.headers,
      body: method === 'GET' ? undefined : new Uint8Array(t.body),
    });
    return { status: res.status, json: await res.json() };
  }

  test('enroll with a one-time code, then signed requests are served', async () => {
    assert.equal(
      (await adminCall('POST', '/v1/stations', { id: 'hn-02', name: 'Hà Nội station 2', kind: 'delivery' })).status,
      201,
    );
    const code = (await (await adminCall('POST', '/v1/stations/hn-02/enrollment-codes', { kind: 'scanner' })).json())
      .code as string;
    const publicKey = Buffer.from(scanner.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
    const enrolled = await fetch(`${s.url}/v1/devices/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, publicKey, build: BUILD }),
    });
    assert.equal(enrolled.status, 201);
    const dev = await enrolled.json();
    deviceId = dev.id;
    assert.equal(dev.buildKnown, false, 'not on the allow-list yet');
    const again = await fetch(`${s.url}/v1/devices/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, publicKey, build: BUILD }),
    });
    assert.equal(again.status, 401, 'a code enrolls once');

    const me = await deviceCall('GET', '/v1/device/me');
    assert.equal(me.status, 200);
    assert.equal(me.json.station, 'hn-02');
    assert.equal((await adminCall('POST', '/v1/device-builds', { build: BUILD, note: 'fw 1.0' })).status, 204);
    const built = await deviceCall('POST', '/v1/device/build', { build: BUILD });
    assert.equal(built.status, 200);
    assert.equal(built.json.buildKnown, true);
  });

  test('unsigned, replayed, tampered and revoked requests are refused', async () => {
    assert.equal((await fetch(`${s.url}/v1/device/me`)).status, 401);
    const notJson = await deviceCall('POST', '/v1/device/build', { build: BUILD }, (headers, body) => ({
      headers: { ...headers, 'content-type': 'text/plain' },
      body,
    }));
    assert.equal(notJson.status, 400, 'a body the digest check cannot see is refused');
    let captured: { headers: Record<string, string>; body: Buffer } | undefined;
    const first = await deviceCall(
      'POST',
      '/v1/device/build',
      { build: BUILD },
      (headers, body) => (captured = { headers, body }),
    );
    assert.equal(first.status, 200);
    const replay = await fetch(`${s.url}/v1/device/build`, {
      method: 'POST',
      headers: captured!.headers,
      body: new Uint8Array(captured!.body),
    });
    assert.equal(replay.status, 401);
    assert.match((await replay.json()).error.message, /replayed/);
    const tampered = await deviceCall('POST', '/v1/device/build', { build: BUILD }, (headers) => ({
      headers,
      body: Buffer.from(JSON.stringify({ build: 'd'.repeat(64) })),
    }));
    assert.equal(tampered.status, 401);
    // Restricted: still served, one request a second after a burst of five.
    assert.equal((await adminCall('POST', `/v1/devices/${deviceId}/status`, { status: 'restricted' })).status, 200);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await deviceCall('GET', '/v1/device/me')).status);
    assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
    assert.equal(statuses[6], 429);
    const activity = await (await adminCall('GET', `/v1/devices/${deviceId}/activity`)).json();
    assert.ok(Array.isArray(activity.activity));
    assert.equal((await adminCall('POST', `/v1/devices/${deviceId}/status`, { status: 'revoked' })).status, 200);
    const revoked = await deviceCall('GET', '/v1/device/me');
    assert.equal(revoked.status, 403);
    assert.equal(revoked.json.error.code, 'forbidden');
  });

  test('a courier app over HTTP: its assigned parcel, a relay, a call; nothing for others', async () => {
    const courier = generateKeyPairSync('ed25519');
    const code = (
      await (await adminCall('POST', '/v1/stations/hn-02/enrollment-codes', { kind: 'courier_app' })).json()
    ).code as string;
    const publicKey = Buffer.from(courier.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
    const app2 = await (
      await fetch(`${s.url}/v1/devices/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, publicKey, build: BUILD }),
      })
    ).json();
    const [r] = await s.app.vault.createSubjects([
      {
        externalId: 'gw-c1',
        fields: {
          name: 'Phan Văn Khải',
          phone: '0977 000 111',
          address: '3 Hàng Bài, Phường Tràng Tiền, Quận Hoàn Kiếm, Hà Nội',
        },
      },
    ]);
    await adminCall('POST', '/v1/stations', { id: 'hub-hn', name: 'Hà Nội hub', kind: 'hub' });
    const parcel = await (
      await adminCall('POST', '/v1/parcels', { recipient: r!.token, origin: 'hub-hn', destination: 'hn-02' })
    ).json();
    assert.equal(
      (await adminCall('POST', `/v1/parcels/${parcel.tracking}/assignment`, { courier: app2.id })).status,
      200,
    );

    const call = async (method: string, path: string) => {
      const base = { method, url: path, headers: { host: new URL(s.url).host }, body: Buffer.alloc(0) };
      const sig = await signDeviceRequest(base, { keyid: app2.id, privateKey: courier.privateKey });
      const res = await fetch(`${s.url}${path}`, { method, headers: { ...base.headers, ...sig } });
      return { status: res.status, text: await res.text() };
    };
    const view = await call('GET', `/v1/device/parcels/${parcel.tracking}`);
    assert.equal(view.status, 200);
    assert.equal(JSON.parse(view.text).recipient.name, 'P. V. K.');
    const relay = await call('POST', `/v1/device/parcels/${parcel.tracking}/relay`);
    assert.equal(relay.status, 200);
    const connected = await call('POST', `/v1/device/parcels/${parcel.tracking}/call`);
    assert.equal(connected.status, 200);
    assert.equal(
      JSON.parse(view.text).recipient.address,
      '3 Hàng Bài, Phường Tràng Tiền, Quận Hoàn Kiếm, Hà Nội',
      'the address needed to deliver',
    );
    for (const t of [view.text, relay.text, connected.text]) assert.ok(!/977000111|0977 000 111|Phan Văn Khải/.test(t));
    // The revoked scanner of the earlier test is refused before anything else.
    assert.equal((await deviceCall('GET', `/v1/device/parcels/${parcel.tracking}`)).status, 403);
  });
});
