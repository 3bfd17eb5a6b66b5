import { sql, type Kysely } from 'kysely';
import { bytesType, type Dialect } from '../../store/migrate.ts';

/** Migration 0020_trace_quotas. The name is recorded in the database: never renamed. */
export const name = '0020_trace_quotas';

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const bytes = bytesType(dialect);
  // Leak uploads are bounded per person (bytes held, one counter row each, changed only
  // by conditional updates in the same transaction as the upload's row) and kept for a
  // limited time: a purged upload keeps its record, hash and report, not its file.
  await db.schema.alterTable('leak_traces').addColumn('purged_at', 'text').execute();
  await db.schema
    .createTable('trace_quotas')
    .addColumn('uploader', 'text', (c) => c.primaryKey())
    .addColumn('held', dialect === 'sqlite' ? 'integer' : 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into trace_quotas (uploader, held) select uploaded_by, sum(bytes) from leak_traces group by uploaded_by`.execute(
    db,
  );
}
