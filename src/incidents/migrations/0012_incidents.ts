import { type Kysely } from 'kysely';

/** Migration 0012_incidents. The name is recorded in the database: never renamed. */
export const name = '0012_incidents';

export async function up(db: Kysely<any>): Promise<void> {
  // A breach being handled: its scope (tokens, categories, jurisdictions), when it was
  // discovered, its legal deadlines and when each was met.
  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('where_', 'text', (c) => c.notNull())
    .addColumn('discovered_at', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text')
    .addColumn('subjects', 'text', (c) => c.notNull())
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('jurisdictions', 'text', (c) => c.notNull())
    .addColumn('high_risk', 'integer', (c) => c.notNull())
    .addColumn('deadlines', 'text', (c) => c.notNull())
    .addColumn('measures', 'text', (c) => c.notNull())
    .addColumn('opened_by', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .execute();
}
