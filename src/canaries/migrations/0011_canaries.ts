import { type Kysely } from 'kysely';

/** Migration 0011_canaries. The name is recorded in the database: never renamed. */
export const name = '0011_canaries';

export async function up(db: Kysely<any>): Promise<void> {
  // Synthetic customers planted in one channel (an export, a device, a team): seeing one
  // in a leak, or in a reveal, names that channel.
  await db.schema
    .createTable('canaries')
    .addColumn('token', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
