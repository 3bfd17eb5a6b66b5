import { type Kysely } from 'kysely';

/** Migration 0008_relay_leases. The name is recorded in the database: never renamed. */
export const name = '0008_relay_leases';

export async function up(db: Kysely<any>): Promise<void> {
  // Which binding holds each virtual number: claimed by compare-and-set, so two
  // couriers asking at once never get the same number.
  await db.schema
    .createTable('relay_leases')
    .addColumn('number', 'text', (c) => c.primaryKey())
    .addColumn('binding_id', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'text', (c) => c.notNull())
    .execute();
}
