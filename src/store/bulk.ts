import { CompiledQuery, type Transaction } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';

/*
 * Bulk inserts for the vault's hot path. Kysely's query builder makes an immutable node per
 * value and better-sqlite3 prepares each statement anew; together that cost about 12 µs a
 * row here, more than SQLite's own insert. So bulk writes build their SQL once per shape:
 * on SQLite a one-row statement prepared once and run per row (SQLite's fastest way in),
 * on PostgreSQL one multi-row INSERT per chunk (one round trip). Column names come from
 * code, never from input.
 */

function quote(name: string): string {
  return name
    .split('.')
    .map((p) => `"${p.replace(/"/g, '""')}"`)
    .join('.');
}

const prepared = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/** SQLite: a cached one-row statement run for each row, on the connection (in its transaction). */
export function insertRowsPrepared(
  conn: BetterSqlite3.Database,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): void {
  let cache = prepared.get(conn);
  if (!cache) prepared.set(conn, (cache = new Map()));
  const key = `${table}|${columns.join(',')}`;
  let st = cache.get(key);
  if (!st) {
    st = conn.prepare(
      `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values (${columns.map(() => '?').join(', ')})`,
    );
    cache.set(key, st);
  }
  for (const r of rows) st.run(...r);
}

/**
 * SQLite: one cached statement run for each parameter set (point lookups in bulk: each is
 * an index descent of a microsecond or two, where an IN list of hundreds pays to build a
 * temporary index and Kysely's builder pays per value). Returns the rows of each set.
 */
export function selectEachPrepared(
  conn: BetterSqlite3.Database,
  text: string,
  paramSets: readonly (readonly unknown[])[],
): unknown[][] {
  let cache = prepared.get(conn);
  if (!cache) prepared.set(conn, (cache = new Map()));
  let st = cache.get(text);
  if (!st) {
    st = conn.prepare(text);
    cache.set(text, st);
  }
  return paramSets.map((p) => st.raw(true).all(...p) as unknown[]);
}

/** Rows per statement: far below PostgreSQL's 65,535 parameters. */
const ROWS_PER_STATEMENT = 500;
const texts = new Map<string, string>();

/** PostgreSQL: multi-row INSERTs whose text is built once per shape. */
export async function insertRowsMultiValues(
  tx: Transaction<any>,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    const key = `${table}|${columns.join(',')}|${chunk.length}`;
    let text = texts.get(key);
    if (!text) {
      let n = 0;
      const tuple = () => `(${columns.map(() => `$${++n}`).join(', ')})`;
      text = `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values ${Array.from({ length: chunk.length }, tuple).join(', ')}`;
      texts.set(key, text);
    }
    await tx.executeQuery(CompiledQuery.raw(text, chunk.flat()));
  }
}
