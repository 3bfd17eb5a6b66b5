import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverOn } from '../test/dialects.ts';
import { simulateWorld } from '../src/sim/world.ts';
import { driveLive } from '../src/sim/live.ts';
import { decodeEntry } from '../src/audit/entry.ts';

/**
 * The simulator driving a running Cloak through its real API (`cloak simulate --live`): a
 * small world with a harvesting scanner. Cloak's own detection, fed by what the API saw,
 * restricts that scanner and opens a case; the honest scanners keep working.
 */
describe('simulate --live', () => {
  let offset = 0;
  const s = serverOn({ CLOAK_EXPORTS_PER_DAY: '100' }, { clock: { now: () => new Date(Date.now() + offset) } });

  test(
    'a simulated harvesting scanner, sent through the API, is restricted automatically',
    { timeout: 120_000 },
    async () => {
      const w = simulateWorld({
        days: 2,
        stations: 2,
        seed: 11,
        parcelsPerStation: 30,
        attacks: ['harvesting-scanner'],
      });
      const harvester = w.truth[0]!.actor.slice('device:'.length);
      const r = await driveLive(w.events, { url: s.url, adminKey: s.admin, rate: 0, seed: 11 });
      assert.ok(r.sent > 1000, JSON.stringify(r.byStatus));
      assert.ok((r.byStatus['device read 404'] ?? 0) > 0, 'the harvester was refused what it asked for');
      // Past the grace in which a late scan could still explain the reads.
      offset += 11 * 60_000;
      await s.app.detection.idle();
      const id = r.devices[harvester]!;
      assert.equal((await s.app.devices.get(id)).status, 'restricted');
      const restricted = (await s.app.devices.list()).filter((d) => d.status !== 'active').map((d) => d.id);
      assert.deepEqual(restricted, [id], 'only the harvester');
      const cases = await s.app.cases.list({ status: 'open' });
      assert.ok(cases.some((c) => c.actor === `device:${id}` && c.actions.some((a) => a.type === 'device_status')));
      const log = (await s.app.auditRepo.entries(0, Number.MAX_SAFE_INTEGER)).map((e) => decodeEntry(e.body)!);
      assert.ok(log.some((e) => e.kind === 'response' && e.device === id));
    },
  );
});
