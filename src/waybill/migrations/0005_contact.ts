import { type Kysely } from 'kysely';

/** Migration 0005_contact. The name is recorded in the database: never renamed. */
export const name = '0005_contact';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('parcel_assignments')
    .addColumn('tracking', 'text', (c) => c.primaryKey())
    .addColumn('courier', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('assigned_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('relay_bindings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('tracking', 'text', (c) => c.notNull())
    .addColumn('courier', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('relay_bindings_number').on('relay_bindings').columns(['number', 'expires_at']).execute();
  await db.schema.createIndex('relay_bindings_parcel').on('relay_bindings').columns(['tracking', 'courier']).execute();
}
