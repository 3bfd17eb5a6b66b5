import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { PG_ADMIN_URL, withPgAdmin } from '../../test/dialects.ts';

/** One SQL statement of a mutation; `changes` (when given) is how many rows it must touch, so a mutation that missed its target stops the campaign instead of counting as detected. */
export type Step = { readonly q: string; readonly p: readonly unknown[]; readonly changes?: number };

/** Raw SQL on one copy of the log's database, written with `?` placeholders for both dialects. */
export type RawDb = {
  rows(q: string, ...p: unknown[]): Promise<Record<string, unknown>[]>;
  run(s: Step): Promise<void>;
  close(): Promise<void>;
};

export type Dialect = 'sqlite' | 'postgres';

function pgUrl(name: string): string {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Where one copy of the log lives: a data folder (the keyring, and on SQLite the database
 * file) and, on PostgreSQL, a database. `env` is what `cloak` runs with on it.
 */
export type Copy = {
  readonly dialect: Dialect;
  readonly dir: string;
  readonly pgName?: string;
  readonly env: Record<string, string>;
};

export function copyAt(dialect: Dialect, dir: string, pgName?: string): Copy {
  const env: Record<string, string> = {
    CLOAK_DATA_DIR: dir,
    CLOAK_LOG_LEVEL: 'warn',
    CLOAK_CRYPTO_WORKERS: '0',
    CLOAK_REWRAP_INTERVAL_SECONDS: '0',
  };
  if (dialect === 'postgres') env.CLOAK_DATABASE_URL = pgUrl(pgName!);
  return { dialect, dir, ...(pgName ? { pgName } : {}), env };
}

export async function createEmpty(c: Copy): Promise<void> {
  rmSync(c.dir, { recursive: true, force: true });
  mkdirSync(c.dir, { recursive: true });
  if (c.pgName)
    await withPgAdmin(async (a) => {
      await a.query(`drop database if exists ${c.pgName} with (force)`);
      await a.query(`create database ${c.pgName}`);
    });
}

/** Makes `to` an exact copy of `from` (SQLite: the file; PostgreSQL: CREATE DATABASE … TEMPLATE). */
export async function restore(from: Copy, to: Copy): Promise<void> {
  if (!existsSync(to.dir)) cpSync(from.dir, to.dir, { recursive: true });
  if (from.dialect === 'sqlite') {
    for (const ext of ['-wal', '-shm']) rmSync(join(to.dir, `cloak.db${ext}`), { force: true });
    copyFileSync(join(from.dir, 'cloak.db'), join(to.dir, 'cloak.db'));
    return;
  }
  await withPgAdmin(async (a) => {
    await a.query(`drop database if exists ${to.pgName} with (force)`);
    await a.query(`create database ${to.pgName} template ${from.pgName}`);
  });
}

export async function dropCopy(c: Copy): Promise<void> {
  rmSync(c.dir, { recursive: true, force: true });
  if (c.pgName) await withPgAdmin((a) => a.query(`drop database if exists ${c.pgName} with (force)`));
}

export async function openRaw(c: Copy): Promise<RawDb> {
  if (c.dialect === 'sqlite') {
    const db = new BetterSqlite3(join(c.dir, 'cloak.db'));
    return {
      rows: async (q, ...p) => db.prepare(q).all(...p) as Record<string, unknown>[],
      run: async (s) => {
        const r = db.prepare(s.q).run(...s.p);
        if (s.changes !== undefined && r.changes !== s.changes)
          throw new Error(`tamper step touched ${r.changes} rows, not ${s.changes}: ${s.q}`);
      },
      close: async () => void db.close(),
    };
  }
  const db = new pg.Client({ connectionString: c.env.CLOAK_DATABASE_URL });
  await db.connect();
  const q = (s: string) =>
    s.replace(
      /\?/g,
      (
        (n) => () =>
          `$${++n}`
      )(0),
    );
  return {
    rows: async (s, ...p) => (await db.query(q(s), p)).rows,
    run: async (s) => {
      const r = await db.query(q(s.q), [...s.p]);
      if (s.changes !== undefined && r.rowCount !== s.changes)
        throw new Error(`tamper step touched ${r.rowCount} rows, not ${s.changes}: ${s.q}`);
    },
    close: () => db.end(),
  };
}
