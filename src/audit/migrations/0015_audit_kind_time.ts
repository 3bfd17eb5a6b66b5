import { type Kysely } from 'kysely';

/** Migration 0015_audit_kind_time. The name is recorded in the database: never renamed. */
export const name = '0015_audit_kind_time';

export async function up(db: Kysely<any>): Promise<void> {
  // The dashboard counts recent entries of a kind (reveals per hour): by kind and time,
  // appended in time order, so it costs appends little.
  await db.schema.createIndex('audit_entries_kind_at').on('audit_entries').columns(['kind', 'at']).execute();
}
