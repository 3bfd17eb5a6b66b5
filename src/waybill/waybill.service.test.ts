import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, appOn } from '../../test/dialects.ts';
import { enrollDevice } from '../../test/devices.ts';
import { Forbidden, InvalidInput, NotFound } from '../lib/errors.ts';
import type { CloakEvent } from '../bus/events.ts';
import { isTrackingNumber } from './waybill.fns.ts';

for (const d of DIALECTS) {
  describe(`waybill on ${d.name}`, () => {
    const events: CloakEvent[] = [];
    const h = appOn(d.fresh, (app) => app.bus.subscribe((e) => void events.push(e)));

    test('parcels are created for a vault token between stations, with an S10 tracking number; scans build the timeline', async () => {
      const app = h.app;
      await app.devices.createStation({ id: 'hub-sg', name: 'Sài Gòn hub', kind: 'hub' });
      await app.devices.createStation({ id: 'q1', name: 'Quận 1 station', kind: 'delivery' });
      await app.devices.createStation({ id: 'hn', name: 'Hà Nội station', kind: 'delivery' });
      const [r] = await app.vault.createSubjects([
        {
          externalId: 'wb-1',
          fields: {
            name: 'Trần Văn Hùng',
            phone: '0912 222 333',
            address: '1 Lý Tự Trọng, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh',
          },
        },
      ]);
      const p = await app.waybill.createParcel({ recipient: r!.token, origin: 'hub-sg', destination: 'q1' });
      assert.ok(isTrackingNumber(p.tracking));
      assert.deepEqual(
        { sortCode: p.sortCode, nextHop: p.nextHop, status: p.status },
        { sortCode: 'Q1', nextHop: 'q1', status: 'created' },
      );
      await assert.rejects(
        app.waybill.createParcel({
          recipient: 'sub_aaaaaaaaaaaaaaaaaaaaaaaaaa',
          origin: 'hub-sg',
          destination: 'mars',
        }),
        (e: unknown) => e instanceof InvalidInput && e.details.length === 2,
      );

      const hubScanner = await enrollDevice(app, 'hub-sg', 'scanner');
      const res = await app.waybill.ingestScans(hubScanner, [
        { parcel: p.tracking, step: 'inbound' },
        { parcel: p.tracking, step: 'sort' },
        { parcel: 'CK000000000VN', step: 'sort' },
        { parcel: p.tracking, step: 'flying' },
        { parcel: p.tracking, step: 'outbound', at: '1999-01-01T00:00:00Z' },
      ]);
      assert.equal(res.accepted, 2);
      assert.deepEqual(
        res.rejected.map((x) => x.index),
        [2, 3, 4],
      );
      const got = await app.waybill.get(p.tracking);
      assert.equal(got.status, 'sort');
      assert.deepEqual(
        got.timeline.map((t) => [t.step, t.station, t.device]),
        [
          ['inbound', 'hub-sg', hubScanner.id],
          ['sort', 'hub-sg', hubScanner.id],
        ],
      );
      assert.equal(events.filter((e) => e.type === 'scan' && e.parcel === p.tracking).length, 2);
      assert.ok(
        events.some(
          (e) => e.type === 'parcel' && e.parcel === p.tracking && e.customer === r!.token && e.station === 'q1',
        ),
      );
    });

    test('a scanner reads routing data only, and only for parcels in its station’s flow; refusals are recorded', async () => {
      const app = h.app;
      const [r] = await app.vault.createSubjects([
        { externalId: 'wb-2', fields: { name: 'Ngô Thị Lan', phone: '0912 222 444' } },
      ]);
      const p = await app.waybill.createParcel({ recipient: r!.token, origin: 'hub-sg', destination: 'q1' });
      const q1Scanner = await enrollDevice(app, 'q1', 'scanner');
      const hnScanner = await enrollDevice(app, 'hn', 'scanner');
      const routing = await app.waybill.readForDevice(q1Scanner, p.tracking);
      assert.deepEqual(Object.keys(routing).sort(), ['nextHop', 'sortCode', 'status', 'tracking']);
      await assert.rejects(app.waybill.readForDevice(hnScanner, p.tracking), NotFound);
      await assert.rejects(app.waybill.readForDevice(hnScanner, 'CK000000000VN'), NotFound);
      // Scanning it is no way in: the scan is refused like an unknown parcel, and the read still is.
      const sneaky = await app.waybill.ingestScans(hnScanner, [
        { parcel: p.tracking, step: 'inbound' },
        { parcel: 'CK000000000VN', step: 'inbound' },
      ]);
      assert.deepEqual(
        sneaky.rejected.map((x) => x.problem),
        ['unknown parcel, or not routed through this station', 'unknown parcel, or not routed through this station'],
      );
      await assert.rejects(app.waybill.readForDevice(hnScanner, p.tracking), NotFound);
      // Only the destination delivers; dates must be full ISO times.
      const hubScanner = await enrollDevice(app, 'hub-sg', 'scanner');
      // A late batch with an older scan does not move the status back.
      const q1Scanner2 = await enrollDevice(app, 'q1', 'scanner');
      await app.waybill.ingestScans(q1Scanner2, [{ parcel: p.tracking, step: 'delivered' }]);
      await app.waybill.ingestScans(q1Scanner2, [
        { parcel: p.tracking, step: 'sort', at: new Date(Date.now() - 3600_000).toISOString() },
      ]);
      assert.equal((await app.waybill.get(p.tracking)).status, 'delivered');
      const early = await app.waybill.ingestScans(hubScanner, [
        { parcel: p.tracking, step: 'delivered' },
        { parcel: p.tracking, step: 'sort', at: '2026-11-29' },
      ]);
      assert.deepEqual(
        early.rejected.map((x) => x.index),
        [0, 1],
      );
      const courier = await enrollDevice(app, 'q1', 'courier_app');
      await assert.rejects(app.waybill.readForDevice(courier, p.tracking), NotFound);
      await assert.rejects(app.waybill.ingestScans(courier, [{ parcel: p.tracking, step: 'delivered' }]), Forbidden);
      const denied = events.filter((e) => e.type === 'lookup' && e.result === 'denied');
      assert.ok(denied.some((e) => e.type === 'lookup' && e.actor === `device:${hnScanner.id}`));
      assert.ok(denied.some((e) => e.type === 'lookup' && e.actor === `device:${courier.id}`));
    });
  });
}
