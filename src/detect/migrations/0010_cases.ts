import { type Kysely } from 'kysely';

/** Migration 0010_cases. The name is recorded in the database: never renamed. */
export const name = '0010_cases';

export async function up(db: Kysely<any>): Promise<void> {
  // A case per actor under suspicion: its alerts, what was done automatically, and the
  // analysts' work on it.
  await db.schema
    .createTable('cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('score', 'real', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('alerts', 'text', (c) => c.notNull())
    .addColumn('actions', 'text', (c) => c.notNull())
    .addColumn('comments', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('assignee', 'text')
    .addColumn('resolution', 'text')
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cases_actor').on('cases').columns(['actor', 'status']).execute();
}
