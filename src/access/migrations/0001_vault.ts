import { type Kysely } from 'kysely';
import { bytesType, type Dialect } from '../../store/migrate.ts';

/** Migration 0001_vault, the access part: API keys (created with the vault's first tables, hence the name). The name is recorded in the database: never renamed. */
export const name = '0001_vault';

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const bytes = bytesType(dialect);
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('secret_hash', bytes, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
}
