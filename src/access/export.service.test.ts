import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIALECTS, appOn } from '../../test/dialects.ts';
import { Conflict } from '../lib/errors.ts';
import { STALE_CLAIM_MS } from './export.service.ts';
import type { StaffPrincipal } from './staff.service.ts';

for (const d of DIALECTS) {
  describe(`an export whose writer died, on ${d.name}`, () => {
    let offset = 0;
    const clock = { now: () => new Date(Date.now() + offset) };
    const h = appOn(d.fresh, undefined, { clock });

    // What the crash campaign (npm run crash) found: SIGKILL between the approval's claim and the
    // file left the export "writing" for ever, approvable by no one ("already writing").
    test('is approved (or refused) again once its claim is stale, and written whole', async () => {
      const app = h.app;
      const who: Record<string, StaffPrincipal> = {};
      for (const [id, role] of [
        ['x-analyst', 'analyst'],
        ['x-boss', 'supervisor'],
      ] as const)
        who[id] = await app.staff.authenticate((await app.staff.create({ id, role }, 'system')).token);
      await app.devices.createStation({ id: 'x-a', name: 'A', kind: 'hub' });
      await app.devices.createStation({ id: 'x-b', name: 'B', kind: 'delivery' });
      const [c] = await app.vault.createSubjects([{ externalId: 'x-1', fields: { phone: '0912 000 111' } }]);
      await app.waybill.createParcel({ recipient: c!.token, origin: 'x-a', destination: 'x-b' });
      const job = await app.exports.request(who['x-analyst']!, {
        dataset: 'sales',
        recipient: 'partner',
        purpose: 'monthly_report',
      });
      // The state the crash left: the claim made, the file half written, the process gone.
      await app.store.db
        .updateTable('exports')
        .set({ status: 'writing', approver: 'x-boss', decided_at: clock.now().toISOString() })
        .where('id', '=', job.id)
        .execute();
      const dir = join(app.config.dataDir, 'exports');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${job.id}.csv.part`), 'tracking,recip');

      // While the claim may still be a live writer's (another node), nobody takes it over.
      await assert.rejects(
        app.exports.decide(who['x-boss']!, job.id, true),
        (e: unknown) => e instanceof Conflict && /already writing/.test(e.message),
      );
      offset = STALE_CLAIM_MS + 60_000;
      const done = await app.exports.decide(who['x-boss']!, job.id, true);
      assert.equal(done.status, 'written');
      assert.equal(done.rows, 1);
      const file = readFileSync(join(dir, `${job.id}.csv`));
      assert.equal(createHash('sha256').update(file).digest('hex'), done.sha256);
      assert.equal(existsSync(join(dir, `${job.id}.csv.part`)), false);
      assert.equal((await app.exports.get(who['x-analyst']!, job.id)).status, 'written');
      await assert.rejects(
        app.exports.decide(who['x-boss']!, job.id, true),
        (e: unknown) => e instanceof Conflict && /already written/.test(e.message),
      );

      // Refused instead: the half file goes too.
      const other = await app.exports.request(who['x-analyst']!, {
        dataset: 'sales',
        recipient: 'partner',
        purpose: 'monthly_report',
      });
      await app.store.db
        .updateTable('exports')
        .set({ status: 'writing', approver: 'x-boss', decided_at: clock.now().toISOString() })
        .where('id', '=', other.id)
        .execute();
      writeFileSync(join(dir, `${other.id}.csv.part`), 'tracking,recip');
      offset += STALE_CLAIM_MS + 60_000;
      assert.equal((await app.exports.decide(who['x-boss']!, other.id, false)).status, 'refused');
      assert.equal(existsSync(join(dir, `${other.id}.csv.part`)), false);
    });
  });
}
