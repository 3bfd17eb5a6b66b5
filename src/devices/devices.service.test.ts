import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { DIALECTS, appOn } from '../../test/dialects.ts';
import { Conflict, InvalidInput, NotFound, Unauthorized } from '../lib/errors.ts';
import type { CloakEvent } from '../bus/events.ts';

const BUILD_OK = 'a'.repeat(64);
const BUILD_ODD = 'b'.repeat(64);
const rawKey = () =>
  Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');

for (const d of DIALECTS) {
  describe(`devices on ${d.name}`, () => {
    let now = new Date('2026-11-29T08:00:00Z');
    const events: CloakEvent[] = [];
    const h = appOn(d.fresh, (app) => app.bus.subscribe((e) => void events.push(e)), { clock: { now: () => now } });

    test('a station issues a one-time code; a device enrolls with it once, with its key and build', async () => {
      const devices = h.app.devices;
      await devices.createStation({ id: 'hcm-01', name: 'Hồ Chí Minh hub 1', kind: 'hub' });
      await assert.rejects(devices.createStation({ id: 'hcm-01', name: 'again', kind: 'hub' }), Conflict);
      await devices.allowBuild(BUILD_OK, 'scanner fw 4.2');
      const { code } = await devices.issueEnrollmentCode({ station: 'hcm-01', kind: 'scanner' });
      assert.match(code, /^[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}$/);
      const dev = await devices.enroll({
        code: code.toLowerCase().replace(/-/g, ' '),
        publicKey: rawKey(),
        build: BUILD_OK,
      });
      assert.deepEqual(
        { station: dev.station, kind: dev.kind, buildKnown: dev.buildKnown, status: dev.status },
        { station: 'hcm-01', kind: 'scanner', buildKnown: true, status: 'active' },
      );
      await assert.rejects(
        devices.enroll({ code, publicKey: rawKey(), build: BUILD_OK }),
        Unauthorized,
        'a code enrolls one device only',
      );
      assert.ok(
        events.some(
          (e) =>
            e.type === 'device' &&
            e.id === dev.id &&
            e.station === 'hcm-01' &&
            e.build === BUILD_OK &&
            e.kind === 'scanner',
        ),
      );
      const key = await devices.keyOf(dev.id);
      assert.equal(key?.revoked, false);
    });

    test('an expired code is refused; bad keys and builds are refused before the code is spent', async () => {
      const devices = h.app.devices;
      const { code } = await devices.issueEnrollmentCode({ station: 'hcm-01', kind: 'courier_app', ttlMinutes: 5 });
      await assert.rejects(devices.enroll({ code, publicKey: 'not-a-key', build: BUILD_OK }), InvalidInput);
      await assert.rejects(devices.enroll({ code, publicKey: rawKey(), build: 'v1.2' }), InvalidInput);
      assert.equal(
        (await devices.enroll({ code, publicKey: rawKey(), build: BUILD_OK })).kind,
        'courier_app',
        'the bad attempts did not spend the code',
      );
      const late = await devices.issueEnrollmentCode({ station: 'hcm-01', kind: 'courier_app', ttlMinutes: 5 });
      now = new Date(now.getTime() + 6 * 60_000);
      await assert.rejects(devices.enroll({ code: late.code, publicKey: rawKey(), build: BUILD_OK }), Unauthorized);
      await assert.rejects(devices.issueEnrollmentCode({ station: 'nowhere', kind: 'scanner' }), NotFound);
    });

    test('an unknown build is enrolled but flagged; quarantine restricts and revokes, and is reversible', async () => {
      const devices = h.app.devices;
      const { code } = await devices.issueEnrollmentCode({ station: 'hcm-01', kind: 'scanner' });
      const dev = await devices.enroll({ code, publicKey: rawKey(), build: BUILD_ODD });
      assert.equal(dev.buildKnown, false);
      assert.equal((await devices.reportBuild(dev.id, BUILD_OK)).buildKnown, true);
      assert.equal((await devices.setStatus(dev.id, 'restricted')).status, 'restricted');
      assert.equal((await devices.keyOf(dev.id))?.revoked, false);
      await devices.setStatus(dev.id, 'revoked');
      assert.equal((await devices.keyOf(dev.id))?.revoked, true);
      assert.equal((await devices.setStatus(dev.id, 'active')).status, 'active');
      await assert.rejects(devices.setStatus(dev.id, 'deleted'), InvalidInput);
      assert.equal((await devices.list('hcm-01')).length, 3);
    });
  });
}

for (const d of DIALECTS) {
  describe(`device nonces on ${d.name}`, () => {
    let now = new Date('2026-11-29T08:00:00Z');
    const h = appOn(d.fresh, undefined, { clock: { now: () => now } });
    test('a nonce is taken once while it could be accepted, by any store over the same database (a restart, another node)', async () => {
      const a = h.app.devices.nonceStore();
      const b = h.app.devices.nonceStore();
      const until = Math.floor(now.getTime() / 1000) + 300;
      assert.equal(await a.claim('dev_x', 'n-1', until), true);
      assert.equal(
        await b.claim('dev_x', 'n-1', until),
        false,
        'another store over the same database refuses the replay',
      );
      assert.equal(await b.claim('dev_y', 'n-1', until), true, 'nonces are per key');
      now = new Date(now.getTime() + 301_000);
      assert.equal(await a.claim('dev_x', 'n-1', until + 301), true, 'once expired, a nonce may come again');
    });
  });
}
