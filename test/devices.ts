import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { signDeviceRequest } from '../src/devices/httpsig.ts';
import type { App } from '../src/app.ts';
import type { Caller } from '../src/waybill/waybill.types.ts';

/** Enrolls a device of `kind` at `station` as a real one would (its own key pair); returns it as the gateway sees it. */
export async function enrollDevice(
  app: App,
  station: string,
  kind: 'scanner' | 'courier_app',
  build = 'e'.repeat(64),
): Promise<Caller> {
  const { code } = await app.devices.issueEnrollmentCode({ station, kind });
  const publicKey = Buffer.from(
    generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!,
    'base64url',
  ).toString('base64');
  const d = await app.devices.enroll({ code, publicKey, build });
  return { id: d.id, station: d.station, kind: d.kind, status: d.status };
}

/** A device enrolled through the HTTP API with its own key pair (an enrollment code from `admin`, then the device's own call). */
export async function enrollOverHttp(
  url: string,
  admin: string,
  station: string,
  build: string,
): Promise<{ id: string; key: KeyObject }> {
  const key = generateKeyPairSync('ed25519');
  const code = await fetch(`${url}/v1/stations/${station}/enrollment-codes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'scanner' }),
  });
  const publicKey = Buffer.from(key.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
  const r = await fetch(`${url}/v1/devices/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: ((await code.json()) as { code: string }).code, publicKey, build }),
  });
  return { id: ((await r.json()) as { id: string }).id, key: key.privateKey };
}

/** A device's request, signed as the device gateway requires (RFC 9421); returns the status. */
export async function signedDeviceCall(
  url: string,
  d: { id: string; key: KeyObject },
  method: string,
  path: string,
  body?: unknown,
): Promise<number> {
  const raw = Buffer.from(body === undefined ? '' : JSON.stringify(body));
  const base = {
    method,
    url: path,
    headers: { host: new URL(url).host, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: raw,
  };
  const headers = { ...base.headers, ...(await signDeviceRequest(base, { keyid: d.id, privateKey: d.key })) };
  return (await fetch(`${url}${path}`, { method, headers, body: method === 'GET' ? undefined : new Uint8Array(raw) }))
    .status;
}
