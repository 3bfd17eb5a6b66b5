import { sql, type Kysely } from 'kysely';
import { bytesType, type Dialect } from '../../store/migrate.ts';
import { KEY_SCHEMA } from '../../store/db.ts';

/** Migration 0001_vault, the vault part: the id allocator, subjects, fields, blind indexes, and the data keys in their own schema. The name is recorded in the database: never renamed. */
export const name = '0001_vault';

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const bytes = bytesType(dialect);
  await db.schema
    .createTable('id_alloc')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('next_id', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('id_alloc').values({ name: 'subject', next_id: 1 }).execute();
  await db.schema
    .createTable('vault_subjects')
    // SQLite: an INTEGER PRIMARY KEY is the rowid itself, so rows are stored in id order.
    .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigint', (c) => c.primaryKey())
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('dek_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('erased_at', 'text')
    .execute();
  await db.schema
    .createIndex('vault_subjects_external')
    .on('vault_subjects')
    .columns(['kind', 'external_id'])
    .unique()
    .execute();
  await db.schema
    .createTable('vault_fields')
    .addColumn('subject_id', 'bigint', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('sealed', bytes, (c) => c.notNull())
    .addColumn('mask', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('vault_fields_pk', ['subject_id', 'field'])
    .modifyEnd(dialect === 'sqlite' ? sql`without rowid` : sql``)
    .execute();
  await db.schema
    .createTable('vault_index')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('hash', bytes, (c) => c.notNull())
    .addColumn('subject_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('vault_index_pk', ['scope', 'hash', 'subject_id'])
    .modifyEnd(dialect === 'sqlite' ? sql`without rowid` : sql``)
    .execute();
  // For erase: appended in id order, so it costs little to keep.
  await db.schema.createIndex('vault_index_subject').on('vault_index').column('subject_id').execute();
  if (dialect === 'postgres') await db.schema.createSchema(KEY_SCHEMA).ifNotExists().execute();
  await db.schema
    .withSchema(KEY_SCHEMA)
    .createTable('vault_data_keys')
    .addColumn('subject_id', dialect === 'sqlite' ? 'integer' : 'bigint', (c) => c.primaryKey())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('dek_version', 'integer', (c) => c.notNull())
    .addColumn('kek_version', 'integer', (c) => c.notNull())
    .addColumn('wrapped', bytes, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // SQLite names the schema on the index, PostgreSQL on the table.
  await (
    dialect === 'sqlite'
      ? sql`create index ${sql.id(KEY_SCHEMA, 'vault_data_keys_kek')} on ${sql.id('vault_data_keys')} (kek_version)`
      : sql`create index ${sql.id('vault_data_keys_kek')} on ${sql.id(KEY_SCHEMA, 'vault_data_keys')} (kek_version)`
  ).execute(db);
}
