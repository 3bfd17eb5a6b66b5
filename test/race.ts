import { after, before } from 'node:test';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { openStore, type Store } from '../src/store/db.ts';
import { MIGRATIONS, type Database } from '../src/tables.ts';
import type { TestDb } from './dialects.ts';

/** A migrated test database and a handle on it for racing calls, with how many calls really overlapped. */
export type RaceDb = {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * The handle to race on. PostgreSQL: its own pool with a client for each racing call (the
   * store's pool has 10), all connected beforehand, so every call runs on a connection of its
   * own at once, as on many nodes. SQLite: the store's one connection, as on the one node a
   * SQLite file has (a second connection in this process would wait for the write lock
   * synchronously, holding up the event loop of the transaction it waits for).
   */
  readonly db: Kysely<Database>;
  /**
   * Runs `calls` at once (Promise.allSettled) and gives their outcomes, with the most
   * PostgreSQL connections that were in use together during the run (undefined on SQLite).
   */
  race<T>(calls: readonly (() => Promise<T>)[]): Promise<{ settled: PromiseSettledResult<T>[]; overlap?: number }>;
};

/**
 * Registers a suite's hooks: a fresh database of `fresh`'s kind, migrated to the whole schema,
 * ready for `width` calls at once; closed and dropped at the end. Use inside `describe`.
 * @example const r = raceOn(d.fresh, 20); test('…', async () => { const { settled } = await r.race(calls); });
 */
export function raceOn(fresh: () => Promise<TestDb>, width: number): RaceDb {
  let t: TestDb | undefined;
  let store: Store<Database> | undefined;
  let pool: pg.Pool | undefined;
  let db: Kysely<Database> | undefined;
  let inUse = 0;
  let peak = 0;
  before(async () => {
    t = await fresh();
    store = await openStore<Database>({ dataDir: t.dataDir, databaseUrl: t.databaseUrl }, MIGRATIONS);
    if (t.databaseUrl) {
      pool = new pg.Pool({ connectionString: t.databaseUrl, max: width });
      pool.on('error', () => undefined);
      pool.on('acquire', () => void (peak = Math.max(peak, ++inUse)));
      pool.on('release', () => void inUse--);
      // Every client connected before the race: a call never waits for another's connection.
      const clients = await Promise.all(Array.from({ length: width }, () => pool!.connect()));
      for (const c of clients) c.release();
      db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    } else db = store.db;
  });
  after(async () => {
    if (pool) await db?.destroy();
    await store?.close();
    await t?.drop();
  });
  return {
    get dialect() {
      return t!.dialect;
    },
    get db() {
      return db!;
    },
    async race(calls) {
      if (calls.length > width) throw new Error(`a race of ${calls.length} calls on a handle for ${width}`);
      peak = 0;
      const settled = await Promise.allSettled(calls.map((c) => c()));
      return pool ? { settled, overlap: peak } : { settled };
    },
  };
}

/** The values of the calls that succeeded and the errors of those that failed, in order. */
export function outcomes<T>(settled: readonly PromiseSettledResult<T>[]): { values: T[]; errors: unknown[] } {
  return {
    values: settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])),
    errors: settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : [])),
  };
}
