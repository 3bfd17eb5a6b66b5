import { sql, type Kysely } from 'kysely';
import { type Dialect } from '../../store/migrate.ts';

/** Migration 0021_checkpoint_chain. The name is recorded in the database: never renamed. */
export const name = '0021_checkpoint_chain';

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  // The head row names the latest signed checkpoint (and each new checkpoint's note the
  // one before it), so a deleted checkpoint row is seen.
  await db.schema
    .alterTable('audit_head')
    .addColumn('signed_size', dialect === 'sqlite' ? 'integer' : 'bigint')
    .execute();
  await sql`update audit_head set signed_size = (select max(size) from audit_checkpoints)`.execute(db);
}
