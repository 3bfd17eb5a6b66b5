import { sql, type Kysely } from 'kysely';

/**
 * A database's schema as text, one line per table, column, index and constraint, sorted so
 * the order the migrations ran in does not matter: what `src/tables.test.ts` compares with
 * test/vectors/schema.<dialect>.txt. The rows the migrations seed (id_alloc, audit_head) are
 * listed too, since a migration that forgot one would change behaviour without changing a column.
 */
export async function schemaListing(db: Kysely<any>, dialect: 'sqlite' | 'postgres'): Promise<string> {
  const lines: string[] = [];
  if (dialect === 'sqlite') {
    for (const schema of ['main', 'cloak_keys']) {
      const r = await sql<{ type: string; name: string; tbl_name: string; sql: string | null }>`
        select type, name, tbl_name, sql from ${sql.id(schema, 'sqlite_master')} order by type, name`.execute(db);
      for (const o of r.rows) lines.push(`${schema}\t${o.type}\t${o.tbl_name}\t${o.name}\t${o.sql ?? '-'}`);
    }
  } else {
    const cols = await sql<Record<string, unknown>>`
      select table_schema, table_name, column_name, ordinal_position, data_type, is_nullable, column_default
      from information_schema.columns where table_schema in ('public', 'cloak_keys')
      order by table_schema, table_name, ordinal_position`.execute(db);
    for (const c of cols.rows)
      lines.push(
        `column\t${c.table_schema}.${c.table_name}\t${c.ordinal_position}\t${c.column_name}\t${c.data_type}\t${c.is_nullable}\t${c.column_default ?? '-'}`,
      );
    const idx = await sql<Record<string, unknown>>`
      select schemaname, tablename, indexname, indexdef from pg_indexes
      where schemaname in ('public', 'cloak_keys') order by schemaname, tablename, indexname`.execute(db);
    for (const i of idx.rows) lines.push(`index\t${i.schemaname}.${i.tablename}\t${i.indexname}\t${i.indexdef}`);
    const cons = await sql<Record<string, unknown>>`
      select n.nspname as schema, t.relname as table, c.conname as name, pg_get_constraintdef(c.oid) as def
      from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
      where n.nspname in ('public', 'cloak_keys') order by 1, 2, 3`.execute(db);
    for (const c of cons.rows) lines.push(`constraint\t${c.schema}.${c.table}\t${c.name}\t${c.def}`);
  }
  const seeded = async (table: string) =>
    (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows.map(
      (row) =>
        `row\t${table}\t${Object.entries(row)
          .map(([k, v]) => `${k}=${Buffer.isBuffer(v) ? v.toString('hex') : String(v)}`)
          .join(' ')}`,
    );
  lines.push(...(await seeded('id_alloc')), ...(await seeded('audit_head')));
  return `${lines.join('\n')}\n`;
}

/** The migration names a database has recorded, in the order they ran. */
export async function recordedMigrations(db: Kysely<any>): Promise<string[]> {
  const r = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return r.rows.map((x) => x.name);
}
