import { type Kysely } from 'kysely';
import { type Dialect } from '../migrate.ts';

/** Migration 0018_limits. The name is recorded in the database: never renamed. */
export const name = '0018_limits';

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  // Rate budgets shared by every node and kept across restarts: how much of a key's limit
  // (a staff member's reveals, a client's affected checks, …) a fixed window has used.
  // Taken by one conditional upsert, so concurrent requests never pass the limit.
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';
  await db.schema
    .createTable('rate_budgets')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start', big, (c) => c.notNull())
    .addColumn('used', 'integer', (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_budgets_pk', ['key', 'window_start'])
    .execute();
  await db.schema.createIndex('rate_budgets_expiry').on('rate_budgets').column('expires_at').execute();
}
