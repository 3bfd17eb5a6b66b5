import { type Kysely } from 'kysely';
import { bytesType, type Dialect } from '../../store/migrate.ts';

/** Migration 0013_affected_checks. The name is recorded in the database: never renamed. */
export const name = '0013_affected_checks';

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const bytes = bytesType(dialect);
  // "Was I affected?" challenges: the identifier sealed (it is personal data), the code as
  // a keyed hash, a short life and few attempts.
  await db.schema
    .createTable('affected_checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('identifier', bytes, (c) => c.notNull())
    .addColumn('code_hash', bytes, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
}
