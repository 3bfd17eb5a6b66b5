import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import { insertRowsMultiValues, insertRowsPrepared, selectEachPrepared } from './bulk.ts';
import { Unavailable } from '../lib/errors.ts';
import { runMigrations, type ComposedMigration, type Dialect } from './migrate.ts';

export type { Dialect };

/**
 * The schema of the key store: its own SQLite file (attached under this name) or its own
 * PostgreSQL schema, so a copy of the data holds no data key. The store sets it apart; the
 * vault, which owns the data keys, creates its table there.
 */
export const KEY_SCHEMA = 'cloak_keys';

/**
 * An open database: the Kysely handle, which dialect it speaks, and how to close it. `DB` is
 * the tables it is seen through: the root's whole `Database` where the store is opened, one
 * capability's part (`Store<VaultTables>`, through `storeOf`) inside that capability.
 */
export type Store<DB = any> = {
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  /** Where the data lives (a file path or the URL without its password), for logs and health. */
  readonly location: string;
  /**
   * Makes deleted data keys unrecoverable from the key store's own files as far as the
   * engine allows (SQLite: secure_delete is on, and the WAL is checkpointed and truncated).
   * False when another reader kept the old pages alive; a later purge clears them.
   */
  purgeDeletedKeys(): Promise<boolean>;
  /**
   * Inserts many rows fast, inside the transaction `tx` (bulk writes of the vault).
   * Column names come from code, never from input.
   */
  insertRows<T extends keyof DB & string>(
    tx: Transaction<DB>,
    table: T,
    columns: readonly (keyof DB[T] & string)[],
    rows: readonly (readonly unknown[])[],
  ): Promise<void>;
  /**
   * SQLite only: runs one read statement (text from code) for each parameter set, on a
   * statement prepared once, and returns each set's rows as arrays. PostgreSQL has none:
   * there, one query with many values is the fast way.
   */
  readonly selectEach?: (text: string, paramSets: readonly (readonly unknown[])[]) => unknown[][];
  close(): Promise<void>;
};

export type StoreOptions = { readonly dataDir: string; readonly databaseUrl?: string | undefined };

/** The SQLite file names under the data folder. */
export const SQLITE_FILES = { data: 'cloak.db', keys: 'keys.db' } as const;

/**
 * Opens SQLite under `dataDir` (default) or PostgreSQL (when `databaseUrl` is set) and
 * brings the schema up to date with `migrations` (the root's list, src/tables.ts: the store
 * knows no capability's tables). `DB` is the tables those migrations make.
 * @example const store = await openStore<Database>({ dataDir: './data' }, MIGRATIONS);
 */
export async function openStore<DB>(opts: StoreOptions, migrations: readonly ComposedMigration[]): Promise<Store<DB>> {
  const store = opts.databaseUrl ? await openPostgres<DB>(opts.databaseUrl) : openSqlite<DB>(opts.dataDir);
  try {
    await runMigrations(store.db, store.dialect, migrations);
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

function openSqlite<DB>(dataDir: string): Store<DB> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, SQLITE_FILES.data);
  const conn = new BetterSqlite3(file);
  let reader: BetterSqlite3.Database | undefined;
  conn.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before it is acknowledged, power loss included.
  conn.pragma('synchronous = FULL');
  conn.pragma('busy_timeout = 10000');
  conn.pragma('foreign_keys = ON');
  // 64 MiB of page cache (the default is 2 MiB): the audit log's and the vault's indexes take
  // random inserts, and with a million entries their pages no longer fit the default.
  conn.pragma('cache_size = -65536');
  // The WAL is copied back every 32 MiB instead of 4 MiB: the audit log's group commits
  // write several MiB each, and a checkpoint at nearly every commit cost a quarter of its rate.
  conn.pragma('wal_autocheckpoint = 8192');
  // An erased subject's masks and ciphertexts are zeroed in place, not left in free pages.
  conn.pragma('secure_delete = ON');
  // The key store is a file of its own, so a copy of the data file holds no data key.
  conn.prepare(`ATTACH DATABASE ? AS ${KEY_SCHEMA}`).run(join(dataDir, SQLITE_FILES.keys));
  conn.pragma(`${KEY_SCHEMA}.journal_mode = WAL`);
  conn.pragma(`${KEY_SCHEMA}.synchronous = FULL`);
  // Deleted rows are overwritten with zeros, so a shredded data key leaves no bytes behind.
  conn.pragma(`${KEY_SCHEMA}.secure_delete = ON`);
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: conn }) });
  return {
    db,
    dialect: 'sqlite',
    location: file,
    // One connection: the transaction Kysely holds is the connection's, so statements run
    // on it directly belong to it.
    insertRows: async (_tx, table, columns, rows) => insertRowsPrepared(conn, table, columns, rows),
    selectEach: (text, paramSets) => selectEachPrepared((reader ??= openBulkReader(file)), text, paramSets),
    async purgeDeletedKeys() {
      // Old page images stay in the WAL until a checkpoint copies them back and truncates it.
      // A reader in another process (a backup, `cloak keys status`) can hold the WAL: retry a
      // little, then report, so the caller can say that the purge is still owed. Run through
      // Kysely, under its connection lock, never inside another transaction.
      for (let attempt = 0; attempt < 5; attempt++) {
        let busy = 0;
        for (const schema of [KEY_SCHEMA, 'main']) {
          const r = await sql<{ busy: number }>`pragma ${sql.raw(schema)}.wal_checkpoint(TRUNCATE)`.execute(db);
          busy += Number(r.rows[0]?.busy ?? 0);
        }
        if (busy === 0) return true;
        await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
      }
      return false;
    },
    close: async () => {
      reader?.close();
      await db.destroy();
    },
  };
}

/**
 * SQLite: a second, read-only connection for bulk point lookups (tracing a leaked file looks
 * up two index values a row, millions of them). Its own 256 MiB page cache and the file
 * mapped into memory for reading (mmap) took a 1M-row trace against 1M customers from 88 s
 * to 58 s here; it sees what is committed, which is all a trace needs, and leaves the
 * main connection's cache to the writers. SQLite's caveat for mmap: an I/O error while
 * reading the mapped file stops the process instead of failing the query; only this reader
 * maps the file, and only reads through it.
 */
function openBulkReader(file: string): BetterSqlite3.Database {
  const r = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  r.pragma('busy_timeout = 10000');
  r.pragma('cache_size = -262144');
  r.pragma('mmap_size = 1073741824');
  return r;
}

async function openPostgres<DB>(url: string): Promise<Store<DB>> {
  // bigint (int8) columns come back as numbers: ids and counts stay far below 2^53.
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, max: 10, types });
  // An idle client's error (the server restarting) must not crash the process.
  pool.on('error', () => undefined);
  try {
    const c = await pool.connect();
    c.release();
  } catch (e) {
    await pool.end();
    throw new Unavailable(
      `cannot connect to PostgreSQL at ${redactUrl(url)} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    location: redactUrl(url),
    insertRows: (tx, table, columns, rows) => insertRowsMultiValues(tx, table, columns, rows),
    async purgeDeletedKeys() {
      // PostgreSQL keeps dead tuples until VACUUM reclaims their space; vacuum the key store's
      // tables now so a wrapped key is not kept live any longer than needed.
      const tables = await sql<{
        name: string;
      }>`select tablename as name from pg_tables where schemaname = ${KEY_SCHEMA} order by tablename`.execute(db);
      for (const t of tables.rows) await sql`vacuum ${sql.id(KEY_SCHEMA, t.name)}`.execute(db);
      return true;
    },
    close: () => db.destroy(),
  };
}

/** A database URL without its password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/**
 * The same store seen through the tables of one part (`Part`, a capability's `<Cap>Tables`),
 * so the compiler refuses a query on any other table there. `DB` must hold `Part`, row types
 * included; `Part` is read from where the result goes.
 * @example createVaultRepo(storeOf(store)); // a `Store<VaultTables>`
 */
export function storeOf<DB extends Part, Part>(store: Store<DB>): Store<Part> {
  return store as unknown as Store<Part>;
}

/**
 * The Kysely handle seen through the tables of one part, as `storeOf` does for the store.
 * @example createStaffService({ db: tablesOf(store.db), ... }); // a `Kysely<AccessTables>`
 */
export function tablesOf<DB extends Part, Part>(db: Kysely<DB>): Kysely<Part> {
  return db as unknown as Kysely<Part>;
}
