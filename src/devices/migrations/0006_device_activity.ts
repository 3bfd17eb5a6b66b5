import { type Kysely } from 'kysely';

/** Migration 0006_device_activity, the devices part: what devices asked for and whether it was allowed. The name is recorded in the database: never renamed. */
export const name = '0006_device_activity';

export async function up(db: Kysely<any>): Promise<void> {
  // What devices asked for and whether it was allowed (scans are in parcel_scans).
  await db.schema
    .createTable('device_activity')
    .addColumn('device', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('parcel', 'text')
    .addColumn('result', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('device_activity_device').on('device_activity').columns(['device', 'at']).execute();
}
