import { type Kysely } from 'kysely';
import { bytesType, type Dialect } from '../../store/migrate.ts';

/** Migration 0014_leak_traces. The name is recorded in the database: never renamed. */
export const name = '0014_leak_traces';

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const bytes = bytesType(dialect);
  // Leaked files uploaded for tracing: the file itself stays under the data folder
  // (evidence, mode 0600) with its SHA-256 here; the report (JSON) once traced.
  await db.schema
    .createTable('leak_traces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('bytes', dialect === 'sqlite' ? 'integer' : 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('report', 'text')
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
}
