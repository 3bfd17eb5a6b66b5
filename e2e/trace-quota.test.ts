import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DIALECTS, type TestDb } from '../test/dialects.ts';
import { createApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/lib/config.ts';
import { startServer, type Started } from '../src/api/start.ts';

/**
 * Leak uploads are bounded per person, on SQLite and PostgreSQL, across nodes: an
 * investigator holds at most CLOAK_TRACE_QUOTA_BYTES of uploaded files (over it: 429, nothing
 * kept), uploads racing on two nodes pass only as far as the quota goes, deleting a finished
 * investigation makes room, and a traced file is removed after CLOAK_TRACE_KEEP_DAYS while its
 * record, SHA-256 and report stay.
 */
type Node = { app: App; server: Started; url: string };
const QUOTA = 2500;
const ENV = {
  CLOAK_PORT: '0',
  CLOAK_TRACE_QUOTA_BYTES: String(QUOTA),
  CLOAK_TRACE_MAX_BYTES: '65536',
  CLOAK_TRACE_KEEP_DAYS: '30',
};

async function boot(db: TestDb): Promise<Node> {
  const app = await createApp(loadConfig({ ...db.env, ...ENV }));
  const server = await startServer(app);
  return { app, server, url: server.url };
}
/** A CSV of `bytes` bytes: a phone column of numbers nobody has. */
function csv(bytes: number, seed: number): string {
  let s = 'phone\n';
  for (let i = 0; s.length < bytes - 12; i++) s += `09${String(30_000_000 + seed * 1000 + i).padStart(8, '0')}\n`;
  return s.padEnd(bytes, '\n');
}

for (const d of DIALECTS) {
  describe(`leak upload quota and retention (${d.name})`, () => {
    let db: TestDb;
    let a: Node;
    let b: Node;
    let token = '';
    const upload = (n: Node, body: string, name = 'leak.csv') =>
      fetch(`${n.url}/v1/traces?name=${name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body,
      });
    const files = () => readdirSync(join(a.app.config.dataDir, 'traces')).filter((f) => f.endsWith('.upload'));
    async function finished(id: string) {
      for (let i = 0; i < 200; i++) {
        const inv = await a.app.investigations.get(id);
        if (inv.status === 'done' || inv.status === 'failed') return inv;
        await new Promise((ok) => setTimeout(ok, 25));
      }
      throw new Error('not traced');
    }
    async function held(): Promise<number> {
      const r = await a.app.store.db
        .selectFrom('trace_quotas')
        .select('held')
        .where('uploader', '=', 'staff:quota-inv')
        .executeTakeFirst();
      return Number(r?.held ?? 0);
    }

    before(async () => {
      db = await d.fresh();
      a = await boot(db);
      b = await boot(db);
      token = (await a.app.staff.create({ id: 'quota-inv', role: 'investigator' }, 'system')).token;
    });
    after(async () => {
      for (const n of [b, a]) {
        await n?.server.close();
        await n?.app.close();
      }
      await db?.drop();
    });

    test('four uploads at once on two nodes, 1000 bytes each under a 2500-byte quota: two pass, two are 429 and leave no file', async () => {
      const answers = await Promise.all(
        [a, a, b, b].map((n, i) =>
          upload(n, csv(1000, i)).then(async (r) => ({
            status: r.status,
            body: (await r.json()) as { id?: string; error?: { message: string } },
          })),
        ),
      );
      const by = answers.reduce<Record<number, number>>((m, x) => ((m[x.status] = (m[x.status] ?? 0) + 1), m), {});
      assert.deepEqual(by, { 202: 2, 429: 2 }, JSON.stringify(answers));
      for (const x of answers.filter((x) => x.status === 429))
        assert.match(x.body.error!.message, /CLOAK_TRACE_QUOTA_BYTES/);
      assert.equal(files().length, 2, 'a refused upload keeps no file');
      assert.equal(await held(), 2000);
      const rows = await a.app.store.db.selectFrom('leak_traces').select('id').execute();
      assert.equal(rows.length, 2, 'a refused upload keeps no record');
      for (const x of answers.filter((x) => x.status === 202)) await finished(x.body.id!);
    });

    test('over the quota is refused before the body is read when its length is declared; deleting a finished investigation makes room', async () => {
      const over = await upload(a, csv(1000, 9));
      assert.equal(over.status, 429);
      const [first] = await a.app.store.db.selectFrom('leak_traces').select('id').orderBy('uploaded_at').execute();
      assert.equal(
        (
          await fetch(`${a.url}/v1/traces/${first!.id}`, {
            method: 'DELETE',
            headers: { authorization: `Bearer ${token}` },
          })
        ).status,
        403,
        'the uploader does not delete evidence',
      );
      const officer = (await a.app.staff.create({ id: 'quota-dpo', role: 'privacy' }, 'system')).token;
      const del = await fetch(`${a.url}/v1/traces/${first!.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${officer}` },
      });
      assert.equal(del.status, 204);
      assert.equal(await held(), 1000);
      const again = await upload(b, csv(1000, 10));
      assert.equal(again.status, 202, await again.text());
      assert.equal(await held(), 2000);
    });

    test('a traced file past CLOAK_TRACE_KEEP_DAYS is removed at the next sweep; its record, hash and report stay and its bytes leave the quota', async () => {
      const [old] = await a.app.store.db
        .selectFrom('leak_traces')
        .select(['id', 'sha256'])
        .orderBy('uploaded_at')
        .execute();
      await finished(old!.id);
      const path = join(a.app.config.dataDir, 'traces', `${old!.id}.upload`);
      assert.ok(existsSync(path));
      await a.app.store.db
        .updateTable('leak_traces')
        .set({ uploaded_at: new Date(Date.now() - 31 * 86_400_000).toISOString() })
        .where('id', '=', old!.id)
        .execute();
      await a.app.investigations.resume(); // the sweep runs at start and hourly
      assert.ok(!existsSync(path), 'the file is gone');
      const inv = await a.app.investigations.get(old!.id);
      assert.ok(inv.purgedAt !== null);
      assert.equal(inv.sha256, old!.sha256);
      assert.equal(inv.status, 'done');
      assert.ok(inv.report !== null, 'the report stays');
      assert.equal(await held(), 1000);
      // The other node's sweep finds nothing left to do (and takes nothing off twice).
      await b.app.investigations.resume();
      assert.equal(await held(), 1000);
    });
  });
}
