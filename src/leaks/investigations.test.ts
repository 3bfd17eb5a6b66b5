// Two nodes on one database (or a restarted node and one still tracing) resume the same
// unfinished investigations: each file is traced once, by the node that claimed it, and its
// audit entries (the trace's, and one about each customer matched) are written once.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DIALECTS, appOn } from '../../test/dialects.ts';
import { createPeople } from '../lib/people.ts';
import { tablesOf } from '../store/db.ts';
import type { App } from '../app.ts';
import { createInvestigationService, type InvestigationService } from './investigations.service.ts';
import { createLeaksRepo } from './leaks.repo.ts';
import type { LeakTraceTable } from './leaks.tables.ts';

const people = createPeople(4242);

/** An investigation service of its own (a node) on the app's database, counting the traces it runs. */
function node(app: App): { service: InvestigationService; traced: () => number } {
  let traced = 0;
  const service = createInvestigationService({
    repo: createLeaksRepo(tablesOf(app.store.db)),
    tracer: {
      trace: (...a) => {
        traced++;
        return app.tracer.trace(...a);
      },
    },
    incidents: app.incidents,
    dir: join(app.config.dataDir, 'traces'),
    maxBytes: 1_000_000,
    clock: app.clock,
    log: app.log,
  });
  return { service, traced: () => traced };
}

/** An upload as a stop leaves it: its file on disk and its row, queued or claimed by a node that is gone. */
async function leftBehind(app: App, id: string, csv: string, row: Partial<LeakTraceTable> = {}): Promise<void> {
  writeFileSync(join(app.config.dataDir, 'traces', `${id}.upload`), csv, { mode: 0o600 });
  const ok = await createLeaksRepo(tablesOf(app.store.db)).recordUpload(
    {
      id,
      name: `${id}.csv`,
      bytes: Buffer.byteLength(csv),
      sha256: '0'.repeat(64),
      status: 'queued',
      error: null,
      report: null,
      uploaded_by: 'staff:claims-test',
      uploaded_at: new Date().toISOString(),
      finished_at: null,
      purged_at: null,
      claimed_by: null,
      lease_until: null,
      ...row,
    },
    Number.MAX_SAFE_INTEGER,
  );
  assert.ok(ok);
}

async function settled(app: App, id: string): Promise<string> {
  for (let i = 0; ; i++) {
    const inv = await app.investigations.get(id);
    if (inv.status === 'done' || inv.status === 'failed') return inv.status;
    assert.ok(i < 600, JSON.stringify(inv));
    await sleep(25);
  }
}

/** The audit entries of one investigation: the trace's own and those about customers it matched. */
async function entriesOf(app: App, id: string) {
  const rows = await app.audit.search({
    kind: 'trace',
    contains: [Buffer.from(`"investigation":"${id}"`)],
    limit: 1000,
  });
  return rows.map((r) => JSON.parse(r.body.toString()) as { result: string; subject?: string });
}

for (const d of DIALECTS) {
  describe(`investigations on several nodes at once (${d.name})`, () => {
    const h = appOn(d.fresh);

    test('two nodes resuming the same unfinished trace at once trace it once: one report, its audit entries once', async () => {
      const P = Array.from({ length: 5 }, (_, i) => people.person(i));
      const made = await h.app.vault.createSubjects(
        P.map((p, i) => ({ kind: 'customer', externalId: `claim-${i}`, fields: { name: p.name, phone: p.phone } })),
      );
      const id = 'inv_claims_twonodes';
      await leftBehind(h.app, id, ['name,phone', ...P.slice(0, 3).map((p) => `${p.name},${p.phone}`)].join('\n'));
      const [a, b] = [node(h.app), node(h.app)];
      try {
        await Promise.all([a.service.resume(), b.service.resume()]);
        assert.equal(await settled(h.app, id), 'done');
        await Promise.all([a.service.close(), b.service.close()]);
        assert.equal(a.traced() + b.traced(), 1, 'traced by one node');
        const report = (await h.app.investigations.report(id)).report;
        assert.deepEqual(
          report.affected,
          made
            .slice(0, 3)
            .map((s) => s.token)
            .sort(),
        );
        const entries = await entriesOf(h.app, id);
        assert.equal(entries.filter((e) => e.result === 'traced').length, 1, 'one trace entry');
        const matched = entries.filter((e) => e.result === 'matched').map((e) => e.subject);
        assert.deepEqual(matched.sort(), report.affected, 'one entry about each customer matched');
      } finally {
        await Promise.all([a.service.close(), b.service.close()]);
      }
    });

    test('a trace claimed by a node that is gone waits for its lease to end, then one node takes it over', async () => {
      const p = people.person(7);
      const [made] = await h.app.vault.createSubjects([
        { kind: 'customer', externalId: 'claim-gone', fields: { name: p.name, phone: p.phone } },
      ]);
      const csv = `name,phone\n${p.name},${p.phone}\n`;
      const now = h.app.clock.now().getTime();
      // One whose node's lease ended a minute ago, one whose lease ends in a moment.
      await leftBehind(h.app, 'inv_claims_stale', csv, {
        status: 'tracing',
        claimed_by: 'node-gone',
        lease_until: new Date(now - 60_000).toISOString(),
      });
      await leftBehind(h.app, 'inv_claims_live', csv, {
        status: 'tracing',
        claimed_by: 'node-gone',
        lease_until: new Date(now + 3_000).toISOString(),
      });
      const [a, b] = [node(h.app), node(h.app)];
      try {
        await Promise.all([a.service.resume(), b.service.resume()]);
        assert.equal(await settled(h.app, 'inv_claims_stale'), 'done');
        assert.equal(
          (await h.app.investigations.get('inv_claims_live')).status,
          'tracing',
          'not while its lease holds',
        );
        assert.equal(await settled(h.app, 'inv_claims_live'), 'done');
        await Promise.all([a.service.close(), b.service.close()]);
        assert.equal(a.traced() + b.traced(), 2, 'each traced by one node');
        for (const id of ['inv_claims_stale', 'inv_claims_live']) {
          const entries = await entriesOf(h.app, id);
          assert.deepEqual(
            entries.map((e) => [e.result, e.subject ?? null]).sort(),
            [
              ['matched', made!.token],
              ['traced', null],
            ],
            id,
          );
        }
      } finally {
        await Promise.all([a.service.close(), b.service.close()]);
      }
    });

    test('a node whose claim another node took over mid-trace writes no audit entry and no result', async () => {
      const p = people.person(9);
      await h.app.vault.createSubjects([
        { kind: 'customer', externalId: 'claim-lost', fields: { name: p.name, phone: p.phone } },
      ]);
      const id = 'inv_claims_lost';
      await leftBehind(h.app, id, `name,phone\n${p.name},${p.phone}\n`);
      const until = new Date(h.app.clock.now().getTime() + 10 * 60_000).toISOString();
      // Once this node has claimed it and starts reading, another node holds the claim (as after
      // this node stalled past its lease and was taken over).
      const service = createInvestigationService({
        repo: createLeaksRepo(tablesOf(h.app.store.db)),
        tracer: {
          trace: async (...a) => {
            await h.app.store.db
              .updateTable('leak_traces')
              .set({ claimed_by: 'node-successor', lease_until: until })
              .where('id', '=', id)
              .execute();
            return h.app.tracer.trace(...a);
          },
        },
        incidents: h.app.incidents,
        dir: join(h.app.config.dataDir, 'traces'),
        maxBytes: 1_000_000,
        clock: h.app.clock,
        log: h.app.log,
      });
      try {
        await service.resume();
      } finally {
        await service.close();
      }
      const row = await createLeaksRepo(tablesOf(h.app.store.db)).getTrace(id);
      assert.deepEqual(
        [row?.status, row?.claimed_by, row?.report, row?.error],
        ['tracing', 'node-successor', null, null],
      );
      assert.deepEqual(await entriesOf(h.app, id), []);
    });
  });
}
