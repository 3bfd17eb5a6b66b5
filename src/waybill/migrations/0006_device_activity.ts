import { type Kysely } from 'kysely';

/** Migration 0006_device_activity, the waybill part: parcel scans by device. The name is recorded in the database: never renamed. */
export const name = '0006_device_activity';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('parcel_scans_device').on('parcel_scans').columns(['device', 'at']).execute();
}
