import { generateKeyPairSync } from 'node:crypto';
import type { App } from '../src/app.ts';
import type { Caller } from '../src/waybill/waybill.types.ts';

/** Enrolls a device of `kind` at `station` as a real one would (its own key pair); returns it as the gateway sees it. */
export async function enrollDevice(app: App, station: string, kind: 'scanner' | 'courier_app', build = 'e'.repeat(64)): Promise<Caller> {
  const { code } = await app.devices.issueEnrollmentCode({ station, kind });
  const publicKey = Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
  const d = await app.devices.enroll({ code, publicKey, build });
  return { id: d.id, station: d.station, kind: d.kind, status: d.status };
}
