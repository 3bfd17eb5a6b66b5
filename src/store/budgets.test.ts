import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, type TestDb } from '../../test/dialects.ts';
import { openStore, type Store } from './db.ts';
import { composeMigrations } from './migrate.ts';
import * as limits from './migrations/0018_limits.ts';
import type { StoreTables } from './store.tables.ts';
import { createRateBudgets } from './budgets.ts';

const HOUR = 3_600_000;

for (const d of DIALECTS) {
  describe(`rate budgets on ${d.name}`, () => {
    let db: TestDb;
    let store: Store<StoreTables>;
    let now = 100 * HOUR + 60_000;
    const clock = { now: () => new Date(now) };
    before(async () => {
      db = await d.fresh();
      // The store's own table alone: the base is tested without any capability's migrations.
      store = await openStore<StoreTables>(
        { dataDir: db.dataDir, databaseUrl: db.databaseUrl },
        composeMigrations([limits]),
      );
    });
    after(async () => {
      await store?.close();
      await db?.drop();
    });

    test('of 30 takes at once exactly the limit pass, and a refused take changes nothing', async () => {
      const budgets = createRateBudgets(store.db, clock);
      const l = { limit: 7, windowMs: HOUR };
      const got = await Promise.all(Array.from({ length: 30 }, () => budgets.take('k', l)));
      assert.equal(got.filter(Boolean).length, 7);
      assert.equal(await budgets.used('k', l), 7);
      const rows = await store.db.selectFrom('rate_budgets').selectAll().where('key', '=', 'k').execute();
      assert.deepEqual(
        rows.map((r) => Number(r.used)),
        [7],
      );
      assert.equal(await budgets.take('other', l), true, 'keys are apart');
    });

    test('the next window carries the one before by its overlap; a second instance (another node) sees the same', async () => {
      const l = { limit: 7, windowMs: HOUR };
      const node2 = createRateBudgets(store.db, clock);
      now = 101 * HOUR + HOUR / 2;
      // Half of the 7 (floor 3) still counts: 4 left.
      assert.equal(await node2.used('k', l), 3);
      const got = [];
      for (let i = 0; i < 6; i++) got.push(await node2.take('k', l));
      assert.deepEqual(got, [true, true, true, true, false, false]);
      now = 103 * HOUR;
      assert.equal(await node2.used('k', l), 0, 'two windows on, nothing counts');
    });

    test('a limit of 0 refuses without writing', async () => {
      const budgets = createRateBudgets(store.db, clock);
      assert.equal(await budgets.take('zero', { limit: 0, windowMs: HOUR }), false);
      assert.equal(
        (await store.db.selectFrom('rate_budgets').selectAll().where('key', '=', 'zero').execute()).length,
        0,
      );
    });
  });
}
