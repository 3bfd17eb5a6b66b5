import { type Kysely } from 'kysely';
import { bytesType, type Dialect } from '../../store/migrate.ts';

/** Migration 0009_access_audit, the audit part: entries, tiles, head and checkpoints of the Merkle log. The name is recorded in the database: never renamed. */
export const name = '0009_access_audit';

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const bytes = bytesType(dialect);
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';
  // The audit log: entries (their exact bytes are the Merkle leaves), full hash tiles as
  // c2sp.org/tlog-tiles serves them (level 0 once complete; higher levels as they fill),
  // the head (size and root) and signed checkpoints.
  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('size', big, (c) => c.notNull())
    .addColumn('root', bytes, (c) => c.notNull())
    .execute();
  await db
    .insertInto('audit_head')
    .values({
      id: 1,
      size: 0,
      root: Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex'),
    })
    .execute();
  await db.schema
    .createTable('audit_entries')
    .addColumn('idx', big, (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('result', 'text')
    .addColumn('body', bytes, (c) => c.notNull())
    // SHA-256(0x00 ‖ body): the tile still filling is read from here, full tiles from audit_tiles.
    .addColumn('leaf', bytes, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_entries_subject').on('audit_entries').columns(['subject', 'idx']).execute();
  await db.schema.createIndex('audit_entries_actor').on('audit_entries').columns(['actor', 'kind', 'at']).execute();
  await db.schema
    .createTable('audit_tiles')
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('idx', big, (c) => c.notNull())
    .addColumn('hashes', bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_tiles_pk', ['level', 'idx'])
    .execute();
  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('size', big, (c) => c.primaryKey())
    .addColumn('root', bytes, (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
}
