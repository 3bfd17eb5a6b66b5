import { sql, type Kysely, type Migration } from 'kysely';
import { KEY_SCHEMA } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

/**
 * Migrations, in order. Written once for both dialects: the only differences (the type of
 * bytes, how the key store is set apart) are chosen by `dialect`.
 */
export function migrations(dialect: Dialect): Record<string, Migration> {
  const bytes = dialect === 'postgres' ? sql`bytea` : sql`blob`;
  return {
    '0001_vault': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('vault_subjects')
          .addColumn('token', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('external_id', 'text')
          .addColumn('dek_version', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('erased_at', 'text')
          .execute();
        await db.schema.createIndex('vault_subjects_external').on('vault_subjects').columns(['kind', 'external_id']).unique().execute();
        await db.schema
          .createTable('vault_fields')
          .addColumn('token', 'text', (c) => c.notNull())
          .addColumn('field', 'text', (c) => c.notNull())
          .addColumn('sealed', bytes, (c) => c.notNull())
          .addColumn('mask', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('vault_fields_pk', ['token', 'field'])
          .modifyEnd(dialect === 'sqlite' ? sql`without rowid` : sql``)
          .execute();
        await db.schema
          .createTable('vault_index')
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('hash', bytes, (c) => c.notNull())
          .addColumn('token', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('vault_index_pk', ['scope', 'hash', 'token'])
          .modifyEnd(dialect === 'sqlite' ? sql`without rowid` : sql``)
          .execute();
        await db.schema.createIndex('vault_index_token').on('vault_index').column('token').execute();
        if (dialect === 'postgres') await db.schema.createSchema(KEY_SCHEMA).ifNotExists().execute();
        await db.schema
          .withSchema(KEY_SCHEMA)
          .createTable('vault_data_keys')
          .addColumn('token', 'text', (c) => c.primaryKey())
          .addColumn('dek_version', 'integer', (c) => c.notNull())
          .addColumn('kek_version', 'integer', (c) => c.notNull())
          .addColumn('wrapped', bytes, (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        // SQLite names the schema on the index, PostgreSQL on the table.
        await (dialect === 'sqlite'
          ? sql`create index ${sql.id(KEY_SCHEMA, 'vault_data_keys_kek')} on ${sql.id('vault_data_keys')} (kek_version)`
          : sql`create index ${sql.id('vault_data_keys_kek')} on ${sql.id(KEY_SCHEMA, 'vault_data_keys')} (kek_version)`
        ).execute(db);
        await db.schema
          .createTable('api_keys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('scopes', 'text', (c) => c.notNull())
          .addColumn('secret_hash', bytes, (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('revoked_at', 'text')
          .execute();
      },
    },
  };
}
