import { type Kysely } from 'kysely';

/** Migration 0016_case_triage. The name is recorded in the database: never renamed. */
export const name = '0016_case_triage';

export async function up(db: Kysely<any>): Promise<void> {
  // Triage: why an analyst closed a case (their words, kept here; the audit log holds a
  // keyed hash of them) and the incident a case was escalated to.
  await db.schema.alterTable('cases').addColumn('resolution_reason', 'text').execute();
  await db.schema.alterTable('cases').addColumn('incident', 'text').execute();
}
