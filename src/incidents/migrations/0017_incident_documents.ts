import { type Kysely } from 'kysely';

/** Migration 0017_incident_documents. The name is recorded in the database: never renamed. */
export const name = '0017_incident_documents';

export async function up(db: Kysely<any>): Promise<void> {
  // An officer's approval of one generated text (report or notice, one language), bound
  // to the text's SHA-256: a text that changes afterwards is no longer approved.
  await db.schema
    .createTable('incident_approvals')
    .addColumn('incident', 'text', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addColumn('lang', 'text', (c) => c.notNull())
    .addColumn('text_sha256', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'text', (c) => c.notNull())
    .addColumn('approved_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_approvals_pk', ['incident', 'doc', 'lang'])
    .execute();
  // Each sending of the customer notices: counts only, never an address.
  await db.schema
    .createTable('incident_sends')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident', 'text', (c) => c.notNull())
    .addColumn('langs', 'text', (c) => c.notNull())
    .addColumn('sent', 'integer', (c) => c.notNull())
    .addColumn('unreachable', 'integer', (c) => c.notNull())
    .addColumn('sent_by', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('incident_sends_incident')
    .on('incident_sends')
    .columns(['incident', 'sent_at'])
    .execute();
}
