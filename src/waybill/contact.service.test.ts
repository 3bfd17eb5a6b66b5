import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, appOn } from '../../test/dialects.ts';
import { enrollDevice } from '../../test/devices.ts';
import { Conflict, Forbidden, InvalidInput, NotFound, Unavailable } from '../lib/errors.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../lib/config.ts';
import type { CloakEvent } from '../bus/events.ts';

for (const d of DIALECTS) {
  describe(`masked contact on ${d.name}`, () => {
    // 09:00 in Hồ Chí Minh City.
    let now = new Date('2026-11-30T02:00:00Z');
    const events: CloakEvent[] = [];
    const h = appOn(d.fresh, (app) => app.bus.subscribe((e) => void events.push(e)), { clock: { now: () => now } });

    test('a courier gets a relay only for a parcel assigned to it today; the real phone never reaches it; the binding ends after delivery', async () => {
      const app = h.app;
      await app.devices.createStation({ id: 'hub', name: 'hub', kind: 'hub' });
      await app.devices.createStation({ id: 'q3', name: 'Quận 3', kind: 'delivery' });
      const [r] = await app.vault.createSubjects([
        {
          externalId: 'ct-1',
          fields: {
            name: 'Lý Thị Mỹ',
            phone: '0933 456 789',
            address: '9 Võ Văn Tần, Phường 6, Quận 3, TP. Hồ Chí Minh',
          },
        },
      ]);
      const p = await app.waybill.createParcel({ recipient: r!.token, origin: 'hub', destination: 'q3' });
      const courier = await enrollDevice(app, 'q3', 'courier_app');
      const other = await enrollDevice(app, 'q3', 'courier_app');
      const scanner = await enrollDevice(app, 'q3', 'scanner');
      await assert.rejects(
        app.contact.assign(p.tracking, scanner.id),
        InvalidInput,
        'only courier apps take assignments',
      );
      await app.contact.assign(p.tracking, courier.id);

      const seen: unknown[] = [];
      const view = await app.contact.courierView(courier, p.tracking);
      assert.deepEqual(
        view.recipient,
        { name: 'L. T. M.', address: '9 Võ Văn Tần, Phường 6, Quận 3, TP. Hồ Chí Minh' },
        'the address needed to deliver',
      );
      const reveal = events.find((e) => e.type === 'reveal' && e.actor === `device:${courier.id}`);
      assert.ok(
        reveal &&
          reveal.type === 'reveal' &&
          reveal.field === 'address' &&
          reveal.purpose === 'delivery' &&
          reveal.customer === r!.token,
        'the reveal is published',
      );
      assert.equal(view.relay, null);
      const relay = await app.contact.bindRelay(courier, p.tracking);
      seen.push(relay, await app.contact.bindRelay(courier, p.tracking));
      assert.match(relay.number, /^\+842871000\d{3}$/);
      const call = await app.contact.call(courier, p.tracking);
      seen.push(call, await app.contact.courierView(courier, p.tracking));
      assert.equal(call.via, relay.number);
      const calls = (app.telephony as { calls(): readonly { callId: string; to: string; parcel: string }[] }).calls();
      assert.deepEqual(
        calls.map((c) => [c.callId, c.parcel, c.to]),
        [[call.callId, p.tracking, '+84 ••••789']],
      );
      const everything = JSON.stringify(seen) + JSON.stringify(calls);
      for (const v of ['933456789', '0933 456 789', '+84933456789', 'Lý Thị Mỹ'])
        assert.ok(!everything.includes(v), `"${v}" reached the courier`);

      // Another courier, at the same station: nothing.
      await assert.rejects(app.contact.courierView(other, p.tracking), NotFound);
      await assert.rejects(app.contact.bindRelay(other, p.tracking), NotFound);
      await assert.rejects(app.contact.call(other, p.tracking), NotFound);

      // Delivered: the binding lasts the grace period (120 min by default), then refuses.
      await app.waybill.ingestScans(scanner, [{ parcel: p.tracking, step: 'delivered' }]);
      now = new Date(now.getTime() + 60 * 60_000);
      assert.ok(await app.contact.call(courier, p.tracking));
      assert.equal(
        (await app.contact.bindRelay(courier, p.tracking)).number,
        relay.number,
        'during the grace period the binding in force is returned',
      );
      now = new Date(now.getTime() + 61 * 60_000);
      await assert.rejects(app.contact.call(courier, p.tracking), Forbidden);
      const after = await app.contact.courierView(courier, p.tracking);
      assert.equal(after.relay, null);
      assert.equal(after.recipient.address, 'Quận 3, TP. Hồ Chí Minh', 'after delivery, the mask again');
      await assert.rejects(app.contact.bindRelay(courier, p.tracking), Conflict, 'no new binding after delivery');
    });

    test('a restricted courier app reads routing data only: no masks, no relay, no call', async () => {
      const app = h.app;
      const [r] = await app.vault.createSubjects([{ externalId: 'ct-3', fields: { phone: '0933 222 000' } }]);
      const p = await app.waybill.createParcel({ recipient: r!.token, origin: 'hub', destination: 'q3' });
      const courier = await enrollDevice(app, 'q3', 'courier_app');
      await app.contact.assign(p.tracking, courier.id);
      const restricted = { ...courier, status: 'restricted' as const };
      await assert.rejects(app.contact.courierView(restricted, p.tracking), Forbidden);
      await assert.rejects(app.contact.bindRelay(restricted, p.tracking), Forbidden);
      await assert.rejects(app.contact.call(restricted, p.tracking), Forbidden);
    });

    test('reassigned, the first courier can no longer call and its number is freed', async () => {
      const app = h.app;
      const [r] = await app.vault.createSubjects([{ externalId: 'ct-4', fields: { phone: '0933 333 000' } }]);
      const p = await app.waybill.createParcel({ recipient: r!.token, origin: 'hub', destination: 'q3' });
      const first = await enrollDevice(app, 'q3', 'courier_app');
      const second = await enrollDevice(app, 'q3', 'courier_app');
      await app.contact.assign(p.tracking, first.id);
      const b1 = await app.contact.bindRelay(first, p.tracking);
      await app.contact.assign(p.tracking, second.id);
      await assert.rejects(app.contact.call(first, p.tracking), NotFound);
      const b2 = await app.contact.bindRelay(second, p.tracking);
      assert.ok(await app.contact.call(second, p.tracking));
      assert.equal(b2.number, b1.number, 'the freed number is the first free one again');
      const reveals = events.filter((e) => e.type === 'reveal' && e.field === 'phone' && e.customer === r!.token);
      assert.equal(reveals.length, 1, 'each call publishes its phone reveal first');
    });

    test('an assignment is for one day: tomorrow the courier sees nothing', async () => {
      const app = h.app;
      const [r] = await app.vault.createSubjects([{ externalId: 'ct-2', fields: { phone: '0933 111 000' } }]);
      const p = await app.waybill.createParcel({ recipient: r!.token, origin: 'hub', destination: 'q3' });
      const courier = await enrollDevice(app, 'q3', 'courier_app');
      await app.contact.assign(p.tracking, courier.id);
      assert.ok(await app.contact.bindRelay(courier, p.tracking));
      now = new Date(now.getTime() + 24 * 3600_000);
      await assert.rejects(app.contact.courierView(courier, p.tracking), NotFound);
    });
  });
}

for (const d of DIALECTS) {
  describe(`relay numbers under contention on ${d.name}`, () => {
    test('two couriers asking at once for the last free number: one gets it, the other is told to retry; it is reused once free', async () => {
      const db = await d.fresh();
      let now = new Date('2026-11-30T02:00:00Z');
      const app = await createApp(
        loadConfig({ ...db.env, CLOAK_RELAY_NUMBERS: '+842871000999', CLOAK_RELAY_GRACE_MINUTES: '10' }),
        { clock: { now: () => now } },
      );
      try {
        await app.devices.createStation({ id: 'hub', name: 'hub', kind: 'hub' });
        await app.devices.createStation({ id: 'q5', name: 'Quận 5', kind: 'delivery' });
        const subjects = await app.vault.createSubjects([
          { externalId: 'race-1', fields: { phone: '0933 000 001' } },
          { externalId: 'race-2', fields: { phone: '0933 000 002' } },
        ]);
        const couriers = [await enrollDevice(app, 'q5', 'courier_app'), await enrollDevice(app, 'q5', 'courier_app')];
        const parcels: string[] = [];
        for (const [i, s] of subjects.entries()) {
          const p = await app.waybill.createParcel({ recipient: s.token, origin: 'hub', destination: 'q5' });
          await app.contact.assign(p.tracking, couriers[i]!.id);
          parcels.push(p.tracking);
        }
        const results = await Promise.allSettled(couriers.map((c, i) => app.contact.bindRelay(c, parcels[i]!)));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        assert.ok(lost.reason instanceof Unavailable);
        const winner = results.findIndex((r) => r.status === 'fulfilled');
        // Delivered, grace over: the number is free again, for the other courier.
        const scanner = await enrollDevice(app, 'q5', 'scanner');
        await app.waybill.ingestScans(scanner, [{ parcel: parcels[winner]!, step: 'delivered' }]);
        now = new Date(now.getTime() + 11 * 60_000);
        const loser = 1 - winner;
        assert.equal((await app.contact.bindRelay(couriers[loser]!, parcels[loser]!)).number, '+842871000999');
      } finally {
        await app.close();
        await db.drop();
      }
    });
  });
}
