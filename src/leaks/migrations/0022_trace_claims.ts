import { type Kysely } from 'kysely';

/** Migration 0022_trace_claims. The name is recorded in the database: never renamed. */
export const name = '0022_trace_claims';

export async function up(db: Kysely<any>): Promise<void> {
  // A trace is claimed by one node at a time: the claiming node's id and the end of its lease
  // (ISO text). A node that dies mid-trace leaves a lease that ends, and another takes over;
  // rows left 'tracing' before this migration have no lease and are free to claim.
  await db.schema.alterTable('leak_traces').addColumn('claimed_by', 'text').execute();
  await db.schema.alterTable('leak_traces').addColumn('lease_until', 'text').execute();
}
