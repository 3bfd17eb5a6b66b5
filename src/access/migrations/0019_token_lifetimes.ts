import { type Kysely } from 'kysely';

/** Migration 0019_token_lifetimes. The name is recorded in the database: never renamed. */
export const name = '0019_token_lifetimes';

export async function up(db: Kysely<any>): Promise<void> {
  // Staff tokens and API keys expire, and staff tokens can be revoked without disabling
  // the member. Tokens issued before this migration get one default lifetime from now
  // (12 hours, 90 days), so an upgrade signs nobody out at once and none lives forever.
  await db.schema.alterTable('staff').addColumn('token_expires_at', 'text').execute();
  await db.schema.alterTable('staff').addColumn('token_revoked_at', 'text').execute();
  await db.schema.alterTable('api_keys').addColumn('expires_at', 'text').execute();
  await db.schema.alterTable('api_keys').addColumn('rotated_at', 'text').execute();
  const now = Date.now();
  await db
    .updateTable('staff')
    .set({ token_expires_at: new Date(now + 12 * 3_600_000).toISOString() })
    .where('token_expires_at', 'is', null)
    .execute();
  await db
    .updateTable('api_keys')
    .set({ expires_at: new Date(now + 90 * 86_400_000).toISOString() })
    .where('expires_at', 'is', null)
    .execute();
}
