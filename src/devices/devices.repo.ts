import type { Kysely } from 'kysely';
import type { DevicesTables, DeviceTable } from './devices.tables.ts';

/** The devices capability's tables: stations, enrollment codes, devices, the build allow-list. */
export function createDevicesRepo(db: Kysely<DevicesTables>) {
  return {
    insertStation: (s: { id: string; name: string; kind: string; created_at: string }) =>
      db.insertInto('stations').values(s).execute(),
    getStation: (id: string) => db.selectFrom('stations').selectAll().where('id', '=', id).executeTakeFirst(),
    listStations: () => db.selectFrom('stations').selectAll().orderBy('id').execute(),

    insertCode: (c: { code_hash: Buffer; station_id: string; kind: string; expires_at: string; created_at: string }) =>
      db
        .insertInto('device_enrollment_codes')
        .values({ ...c, used_at: null })
        .execute(),

    /** Marks a code used, once, if it has not expired: one statement, so two devices cannot both win. */
    async claimCode(codeHash: Buffer, now: string): Promise<{ station_id: string; kind: string } | undefined> {
      return db
        .updateTable('device_enrollment_codes')
        .set({ used_at: now })
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning(['station_id', 'kind'])
        .executeTakeFirst();
    },

    insertDevice: (d: DeviceTable) => db.insertInto('devices').values(d).execute(),
    getDevice: (id: string) => db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst(),
    listDevices: (station?: string) => {
      let q = db.selectFrom('devices').selectAll().orderBy('enrolled_at');
      if (station) q = q.where('station_id', '=', station);
      return q.execute();
    },
    async updateDevice(
      id: string,
      set: Partial<Pick<DeviceTable, 'build' | 'status' | 'status_at'>>,
    ): Promise<boolean> {
      const r = await db.updateTable('devices').set(set).where('id', '=', id).executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async isKnownBuild(build: string): Promise<boolean> {
      return (
        (await db.selectFrom('device_builds').select('build').where('build', '=', build).executeTakeFirst()) !==
        undefined
      );
    },
    async knownBuilds(builds: readonly string[]): Promise<Set<string>> {
      if (builds.length === 0) return new Set();
      const rows = await db
        .selectFrom('device_builds')
        .select('build')
        .where('build', 'in', [...new Set(builds)])
        .execute();
      return new Set(rows.map((r) => r.build));
    },
    /** Records a nonce; false if it is already there and not yet expired (a replay). */
    async claimNonce(keyid: string, nonce: string, until: number, now: number): Promise<boolean> {
      const r = await db
        .insertInto('device_nonces')
        .values({ keyid, nonce, expires_at: until })
        .onConflict((oc) => oc.columns(['keyid', 'nonce']).doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0n) > 0) return true;
      // Taken: a replay, unless the one stored has expired (then it may be used again).
      const u = await db
        .updateTable('device_nonces')
        .set({ expires_at: until })
        .where('keyid', '=', keyid)
        .where('nonce', '=', nonce)
        .where('expires_at', '<', now)
        .executeTakeFirst();
      return u.numUpdatedRows > 0n;
    },
    dropExpiredNonces: (now: number) => db.deleteFrom('device_nonces').where('expires_at', '<', now).execute(),
    insertActivity: (a: { device: string; at: string; action: string; parcel: string | null; result: string }) =>
      db.insertInto('device_activity').values(a).execute(),
    /** Devices that were given these parcels' data (reads allowed), for tracing a leak. */
    async readersOf(trackings: readonly string[]): Promise<{ device: string; parcel: string }[]> {
      const out: { device: string; parcel: string }[] = [];
      for (let i = 0; i < trackings.length; i += 500)
        for (const r of await db
          .selectFrom('device_activity')
          .select(['device', 'parcel'])
          .distinct()
          .where('parcel', 'in', trackings.slice(i, i + 500))
          .where('result', '=', 'ok')
          .execute())
          if (r.parcel) out.push({ device: r.device, parcel: r.parcel });
      return out;
    },
    /** Each device's latest recorded read, in one grouped query (indexed on device, at). */
    lastActivity: () =>
      db
        .selectFrom('device_activity')
        .select(['device', (eb) => eb.fn.max('at').as('at')])
        .groupBy('device')
        .execute(),
    activity: (device: string, limit: number) =>
      db
        .selectFrom('device_activity')
        .selectAll()
        .where('device', '=', device)
        .orderBy('at', 'desc')
        .limit(limit)
        .execute(),
    allowBuild: (build: string, note: string, at: string) =>
      db
        .insertInto('device_builds')
        .values({ build, note, added_at: at })
        .onConflict((oc) => oc.column('build').doUpdateSet({ note }))
        .execute(),
  };
}
export type DevicesRepo = ReturnType<typeof createDevicesRepo>;
