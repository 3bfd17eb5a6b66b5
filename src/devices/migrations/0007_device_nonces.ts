import { type Kysely } from 'kysely';

/** Migration 0007_device_nonces. The name is recorded in the database: never renamed. */
export const name = '0007_device_nonces';

export async function up(db: Kysely<any>): Promise<void> {
  // Nonces of signed device requests, kept until their signature could no longer be
  // accepted anyway, in the database so a restart or another node cannot be replayed to.
  await db.schema
    .createTable('device_nonces')
    .addColumn('keyid', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_nonces_pk', ['keyid', 'nonce'])
    .execute();
  await db.schema.createIndex('device_nonces_expiry').on('device_nonces').column('expires_at').execute();
}
