import { type Kysely } from 'kysely';

/** Migration 0002_meta. The name is recorded in the database: never renamed. */
export const name = '0002_meta';

export async function up(db: Kysely<any>): Promise<void> {
  // Facts about this database itself, such as which keyring it belongs to.
  await db.schema
    .createTable('cloak_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}
