import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { signDeviceRequest } from '../src/devices/httpsig.ts';
import { createPeople } from '../src/lib/people.ts';
import { clearValues } from '../test/clear.ts';
import { serverOn } from '../test/dialects.ts';

/**
 * The infected scanner, at the device gateway: an enrolled scanner works normally,
 * then runs malware that asks for everything it can reach. All it gets is collected and
 * searched for every recipient's clear name, phone, e-mail and address, taken from the vault.
 */
describe('story A: an infected scanner harvests what it can', () => {
  const s = serverOn();
  const key = generateKeyPairSync('ed25519');
  let deviceId = '';
  const loot: string[] = [];

  async function device(method: string, path: string, body?: unknown) {
    const raw = Buffer.from(body === undefined ? '' : JSON.stringify(body));
    const base = {
      method,
      url: path,
      headers: { host: new URL(s.url).host, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: raw,
    };
    const headers = {
      ...base.headers,
      ...(await signDeviceRequest(base, { keyid: deviceId, privateKey: key.privateKey })),
    };
    const res = await fetch(`${s.url}${path}`, {
      method,
      headers,
      body: method === 'GET' ? undefined : new Uint8Array(raw),
    });
    const text = await res.text();
    loot.push(text);
    return { status: res.status, text };
  }
  const platform = (method: string, path: string, body?: unknown) =>
    fetch(`${s.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${s.admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }).then((r) => r.json());

  test('everything the scanner obtained holds no recipient’s name, phone, e-mail or address', async () => {
    for (const [id, kind] of [
      ['hub-dn', 'hub'],
      ['st-a', 'delivery'],
      ['st-b', 'delivery'],
    ] as const)
      await platform('POST', '/v1/stations', { id, name: id, kind });
    const people = createPeople(99);
    const subjects = await platform('POST', '/v1/subjects/batch', {
      subjects: Array.from({ length: 30 }, (_, i) => {
        const p = people.person(i);
        return {
          externalId: p.externalId,
          fields: { name: p.name, phone: p.phone, email: p.email, address: p.address },
        };
      }),
    });
    const tokens: string[] = subjects.results.map((r: { token: string }) => r.token);
    const parcels: string[] = [];
    for (const [i, t] of tokens.entries())
      parcels.push(
        (
          await platform('POST', '/v1/parcels', {
            recipient: t,
            origin: 'hub-dn',
            destination: i < 10 ? 'st-a' : 'st-b',
          })
        ).tracking,
      );

    const { code } = await platform('POST', '/v1/stations/st-a/enrollment-codes', { kind: 'scanner' });
    const publicKey = Buffer.from(key.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
    deviceId = (
      await (
        await fetch(`${s.url}/v1/devices/enroll`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code, publicKey, build: 'f'.repeat(64) }),
        })
      ).json()
    ).id;

    // Normal work: the parcels for its station.
    const scanned = await device('POST', '/v1/device/scans', {
      scans: parcels.slice(0, 10).map((p) => ({ parcel: p, step: 'inbound' })),
    });
    assert.equal(JSON.parse(scanned.text).accepted, 10);

    // The malware: every parcel it can name, every endpoint, every field it can think of.
    let routed = 0;
    for (const p of parcels) if ((await device('GET', `/v1/device/parcels/${p}`)).status === 200) routed++;
    assert.equal(routed, 10, 'routing data for its own station’s parcels only');
    for (const t of tokens) {
      await device('GET', `/v1/subjects/${t}`);
      await device('POST', '/v1/subjects/lookup', { field: 'phone', value: '0912345678' });
    }
    for (const p of parcels) await device('GET', `/v1/parcels/${p}`);
    await device('GET', '/v1/device/me');
    await device('GET', '/v1/devices');
    await device('GET', '/v1/keys');
    // What an analyst sees of it afterwards: its scans and its refused reads.
    const answer = await platform('GET', `/v1/devices/${deviceId}/activity?limit=1000`);
    assert.ok(answer.activity, JSON.stringify(answer));
    const seen = answer.activity as { action: string; result: string }[];
    assert.equal(seen.filter((a) => a.action.startsWith('scan')).length, 10);
    assert.equal(
      seen.filter((a) => a.result === 'denied').length,
      20,
      'the 20 parcels of another station, refused and recorded',
    );

    // The labels on the parcels it handles are in the loot too: what a camera or a scan reads.
    for (const p of parcels.slice(0, 10)) {
      const zpl = await fetch(`${s.url}/v1/parcels/${p}/label?format=zpl`, {
        headers: { authorization: `Bearer ${s.admin}` },
      });
      assert.equal(zpl.status, 200);
      loot.push(await zpl.text());
    }
    const png = await fetch(`${s.url}/v1/parcels/${parcels[0]}/label?format=png`, {
      headers: { authorization: `Bearer ${s.admin}` },
    });
    assert.equal(png.headers.get('content-type'), 'image/png');
    const pdf = await fetch(`${s.url}/v1/parcels/${parcels[0]}/label`, {
      headers: { authorization: `Bearer ${s.admin}` },
    });
    assert.equal((await pdf.arrayBuffer()).byteLength > 1000 && pdf.headers.get('content-type'), 'application/pdf');

    // What a thief would search the loot for: each recipient's clear values, from the vault.
    const clear: string[] = [];
    for (const t of tokens) {
      for (const f of ['name', 'phone', 'email', 'address']) {
        const v = await clearValues(s.app)(t, f);
        clear.push(v);
        if (f === 'phone') clear.push(v.slice(3), `0${v.slice(3)}`); // national forms
        if (f === 'address') clear.push(v.split(',')[0]!); // the street line alone
      }
    }
    const haystack = loot.join('\n');
    assert.ok(loot.length > 100);
    const found = clear.filter((v) => v.length >= 6 && haystack.includes(v));
    assert.deepEqual(found, [], 'personal data reached the scanner');
  });
});
