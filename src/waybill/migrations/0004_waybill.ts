import { type Kysely } from 'kysely';

/** Migration 0004_waybill. The name is recorded in the database: never renamed. */
export const name = '0004_waybill';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('parcels')
    .addColumn('tracking', 'text', (c) => c.primaryKey())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('sender', 'text')
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('sort_code', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('last_scan_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('parcel_scans')
    .addColumn('tracking', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('station', 'text', (c) => c.notNull())
    .addColumn('device', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('parcel_scans_tracking').on('parcel_scans').columns(['tracking', 'at']).execute();
  await db.schema.createIndex('parcel_scans_station').on('parcel_scans').columns(['station', 'tracking']).execute();
}
