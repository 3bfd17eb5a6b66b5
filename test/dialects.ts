import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import pg from 'pg';
import { createApp, type App, type AppOptions } from '../src/app.ts';
import { loadConfig } from '../src/lib/config.ts';
import { startServer, type Started } from '../src/api/start.ts';
import { randomId } from '../src/lib/crypto.ts';

/**
 * The databases every repository and vault test runs against: embedded SQLite in a fresh
 * folder, and the machine's real PostgreSQL in a fresh database (never skipped: a test
 * run without PostgreSQL fails). `CLOAK_TEST_PG_URL` names the server (default: local trust).
 */
export const PG_ADMIN_URL = process.env.CLOAK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs `fn` on a connection to the PostgreSQL server's admin database (to create and drop test databases), closed after. */
export async function withPgAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export type TestDb = {
  readonly dialect: 'sqlite' | 'postgres';
  /** A fresh data folder (always: it holds the keyring even on PostgreSQL). */
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  /** Environment for `loadConfig` pointing at this database. */
  readonly env: Record<string, string>;
  drop(): Promise<void>;
};

export async function freshSqlite(): Promise<TestDb> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cloak-test-'));
  return {
    dialect: 'sqlite',
    dataDir,
    databaseUrl: undefined,
    env: {
      CLOAK_DATA_DIR: dataDir,
      CLOAK_LOG_LEVEL: 'silent',
      CLOAK_CRYPTO_WORKERS: '0',
      CLOAK_REWRAP_INTERVAL_SECONDS: '0',
    },
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function freshPostgres(): Promise<TestDb> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cloak-test-'));
  const name = randomId('cloak_t').replace(/[^a-z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  const databaseUrl = u.toString();
  return {
    dialect: 'postgres',
    dataDir,
    databaseUrl,
    env: {
      CLOAK_DATA_DIR: dataDir,
      CLOAK_DATABASE_URL: databaseUrl,
      CLOAK_LOG_LEVEL: 'silent',
      CLOAK_CRYPTO_WORKERS: '0',
      CLOAK_REWRAP_INTERVAL_SECONDS: '0',
    },
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Both dialects, for `for (const make of DIALECTS) describe(make.name, …)`. */
export const DIALECTS = [
  { name: 'sqlite', fresh: freshSqlite },
  { name: 'postgres', fresh: freshPostgres },
] as const;

/**
 * Registers the suite's before/after hooks: a fresh database of `fresh`'s kind and an app
 * on it, closed and dropped at the end. Use inside `describe`.
 * @example const h = appOn(d.fresh); test('…', async () => { await h.app.vault.… });
 */
export function appOn(
  fresh: () => Promise<TestDb>,
  onStart?: (app: App) => void,
  opts: AppOptions = {},
): { readonly db: TestDb; readonly app: App } {
  const h = {} as { db: TestDb; app: App };
  before(async () => {
    h.db = await fresh();
    h.app = await createApp(loadConfig(h.db.env), opts);
    // As on a serving node (app.start() without resuming investigations, which tests drive themselves).
    h.app.detection.start();
    onStart?.(h.app);
  });
  after(async () => {
    await h.app?.close();
    await h.db?.drop();
  });
  return h;
}

/** A running server for a suite: its database, app, address and first admin key. */
export type TestServer = {
  readonly db: TestDb;
  readonly app: App;
  readonly server: Started;
  readonly url: string;
  readonly admin: string;
};

/**
 * Registers the suite's before/after hooks: a fresh SQLite folder, an app (with `env` and
 * `opts` added) and the HTTP server on a free port, all closed at the end.
 * @example const s = serverOn(); test('…', async () => { await fetch(`${s.url}/health`); });
 */
export function serverOn(env: Record<string, string> = {}, opts: AppOptions = {}): TestServer {
  return serverOnDb(freshSqlite, env, opts);
}

/**
 * Like `serverOn`, on the database `fresh` makes: SQLite or PostgreSQL.
 * @example const s = serverOnDb(freshPostgres, { CLOAK_LOG_LEVEL: 'trace' });
 */
export function serverOnDb(
  fresh: () => Promise<TestDb>,
  env: Record<string, string> = {},
  opts: AppOptions = {},
): TestServer {
  const h = {} as { db: TestDb; app: App; server: Started; url: string; admin: string };
  before(async () => {
    h.db = await fresh();
    h.app = await createApp(loadConfig({ ...h.db.env, CLOAK_PORT: '0', ...env }), opts);
    h.server = await startServer(h.app);
    h.url = h.server.url;
    h.admin = h.server.firstAdminKey!;
  });
  after(async () => {
    await h.server?.close();
    await h.app?.close();
    await h.db?.drop();
  });
  return h;
}

/** An answer of the API as the tests read it: its status and its JSON body (undefined when empty). */
export type Called = { status: number; json: any };

/**
 * A JSON caller of the server `s`: method, path, body, and a token (the first admin key unless given).
 * @example const call = callerOf(s); const r = await call('POST', '/v1/staff', { id: 'u-1', role: 'support' });
 */
export function callerOf(s: TestServer) {
  return async (method: string, path: string, body?: unknown, token = s.admin): Promise<Called> => {
    const r = await fetch(`${s.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return { status: r.status, json: text ? JSON.parse(text) : undefined };
  };
}
