import { sql, type Kysely, type Transaction } from 'kysely';
import type { WaybillTables, ParcelScanTable, ParcelTable, RelayBindingTable } from './waybill.tables.ts';
import type { Store } from '../store/db.ts';

/**
 * What a relay claim reads and writes, on the database or inside the transaction that holds
 * the parcel's lock (see `withParcelLock`).
 */
function relayTables(db: Kysely<WaybillTables> | Transaction<WaybillTables>) {
  return {
    /** When the parcel was delivered, if it was. */
    async deliveredAt(tracking: string): Promise<string | undefined> {
      const r = await db
        .selectFrom('parcel_scans')
        .select('at')
        .where('tracking', '=', tracking)
        .where('step', '=', 'delivered')
        .orderBy('at')
        .limit(1)
        .executeTakeFirst();
      return r?.at;
    },
    /** The latest binding of this courier for this parcel. */
    bindingOf: (tracking: string, courier: string) =>
      db
        .selectFrom('relay_bindings')
        .selectAll()
        .where('tracking', '=', tracking)
        .where('courier', '=', courier)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst(),
    /** Bindings whose own end is after `now` (delivery may end them sooner). */
    bindingsInForce: (now: string) =>
      db
        .selectFrom('relay_bindings')
        .select(['id', 'number', 'tracking', 'expires_at'])
        .where('expires_at', '>', now)
        .execute(),
    leases: async () =>
      new Map(
        (await db.selectFrom('relay_leases').selectAll().execute()).map((l) => [
          l.number,
          { holder: l.binding_id, claimedAt: l.claimed_at },
        ]),
      ),
    /** Which of these bindings exist (a lease may be claimed a moment before its binding is written). */
    async existingBindings(ids: readonly string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      return new Set(
        (
          await db
            .selectFrom('relay_bindings')
            .select('id')
            .where('id', 'in', [...ids])
            .execute()
        ).map((r) => r.id),
      );
    },
    /**
     * Takes a number for `binding` if its lease is still what the caller saw (`holder`, or no
     * lease at all): a compare-and-set, so of two concurrent claims one wins.
     */
    async claimNumber(number: string, holder: string | undefined, binding: string, now: string): Promise<boolean> {
      if (holder === undefined) {
        const r = await db
          .insertInto('relay_leases')
          .values({ number, binding_id: binding, claimed_at: now })
          .onConflict((oc) => oc.column('number').doNothing())
          .executeTakeFirst();
        return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
      }
      const r = await db
        .updateTable('relay_leases')
        .set({ binding_id: binding, claimed_at: now })
        .where('number', '=', number)
        .where('binding_id', '=', holder)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
    insertBinding: (b: RelayBindingTable) => db.insertInto('relay_bindings').values(b).execute(),
  };
}
export type RelayTables = ReturnType<typeof relayTables>;

/** The waybill capability's tables: parcels and their scans. */
export function createWaybillRepo(store: Pick<Store<WaybillTables>, 'db' | 'insertRows' | 'dialect'>) {
  const db: Kysely<WaybillTables> = store.db;
  return {
    ...relayTables(db),
    /**
     * Runs `fn` on the relay tables inside one transaction that holds the parcel's lock, so
     * two claims of a relay for one parcel run one after the other (the second finds the
     * first's binding). PostgreSQL: the parcel's assignment row is locked (`FOR UPDATE`);
     * SQLite: its one connection runs one transaction at a time.
     */
    withParcelLock<T>(tracking: string, fn: (tables: RelayTables) => Promise<T>): Promise<T> {
      return db.transaction().execute(async (trx) => {
        if (store.dialect === 'postgres')
          await trx
            .selectFrom('parcel_assignments')
            .select('tracking')
            .where('tracking', '=', tracking)
            .forUpdate()
            .execute();
        return fn(relayTables(trx));
      });
    },
    insertParcel: (p: ParcelTable) => db.insertInto('parcels').values(p).execute(),
    /** Parcels after `after` (by tracking number), a page at a time. */
    pageParcels: (after: string, limit: number) =>
      db.selectFrom('parcels').selectAll().where('tracking', '>', after).orderBy('tracking').limit(limit).execute(),
    getParcel: (tracking: string) =>
      db.selectFrom('parcels').selectAll().where('tracking', '=', tracking).executeTakeFirst(),
    async getParcels(trackings: readonly string[]): Promise<Map<string, ParcelTable>> {
      const out = new Map<string, ParcelTable>();
      const unique = [...new Set(trackings)];
      for (let i = 0; i < unique.length; i += 500) {
        for (const p of await db
          .selectFrom('parcels')
          .selectAll()
          .where('tracking', 'in', unique.slice(i, i + 500))
          .execute())
          out.set(p.tracking, p);
      }
      return out;
    },
    timeline: (tracking: string) =>
      db.selectFrom('parcel_scans').selectAll().where('tracking', '=', tracking).orderBy('at').execute(),
    /** Stores a batch of scans and moves each parcel to its latest step, in one transaction. */
    async recordScans(scans: readonly ParcelScanTable[], at: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await store.insertRows(
          trx,
          'parcel_scans',
          ['tracking', 'at', 'step', 'station', 'device'],
          scans.map((s) => [s.tracking, s.at, s.step, s.station, s.device]),
        );
        const latest = new Map<string, { step: string; at: string }>();
        for (const s of scans) {
          const cur = latest.get(s.tracking);
          if (!cur || cur.at <= s.at) latest.set(s.tracking, { step: s.step, at: s.at });
        }
        // One statement per 300 parcels; a parcel moves only forward in time.
        const rows = [...latest];
        for (let i = 0; i < rows.length; i += 300) {
          const values = sql.join(rows.slice(i, i + 300).map(([t, v]) => sql`(${t}, ${v.step}, ${v.at})`));
          await sql`update parcels set status = v.column2, last_scan_at = v.column3, updated_at = ${at}
            from (values ${values}) as v
            where parcels.tracking = v.column1 and (parcels.last_scan_at is null or parcels.last_scan_at <= v.column3)`.execute(
            trx,
          );
        }
      });
    },

    /** A device's recent scans, newest first. */
    /** Parcels coming to or leaving a station and not yet delivered, newest first (a scanner's manifest). */
    manifest: (station: string, limit: number) =>
      db
        .selectFrom('parcels')
        .selectAll()
        .where((eb) => eb.or([eb('destination', '=', station), eb('origin', '=', station)]))
        .where('status', '!=', 'delivered')
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute(),
    /** Parcels addressed to any of these recipients. */
    async parcelsOfRecipients(tokens: readonly string[]): Promise<{ tracking: string; recipient: string }[]> {
      const out: { tracking: string; recipient: string }[] = [];
      for (let i = 0; i < tokens.length; i += 500)
        out.push(
          ...(await db
            .selectFrom('parcels')
            .select(['tracking', 'recipient'])
            .where('recipient', 'in', tokens.slice(i, i + 500))
            .execute()),
        );
      return out;
    },
    /** Which devices scanned which of these parcels. */
    async scannersOf(trackings: readonly string[]): Promise<{ tracking: string; device: string }[]> {
      const out: { tracking: string; device: string }[] = [];
      for (let i = 0; i < trackings.length; i += 500)
        out.push(
          ...(await db
            .selectFrom('parcel_scans')
            .select(['tracking', 'device'])
            .distinct()
            .where('tracking', 'in', trackings.slice(i, i + 500))
            .execute()),
        );
      return out;
    },
    /** Each device's latest scan, in one grouped query (indexed on device, at). */
    lastScans: () =>
      db
        .selectFrom('parcel_scans')
        .select(['device', (eb) => eb.fn.max('at').as('at')])
        .groupBy('device')
        .execute(),
    scansByDevice: (device: string, limit: number) =>
      db
        .selectFrom('parcel_scans')
        .selectAll()
        .where('device', '=', device)
        .orderBy('at', 'desc')
        .limit(limit)
        .execute(),
    assign: (a: { tracking: string; courier: string; day: string; assigned_at: string }) =>
      db
        .insertInto('parcel_assignments')
        .values(a)
        .onConflict((oc) =>
          oc.column('tracking').doUpdateSet({ courier: a.courier, day: a.day, assigned_at: a.assigned_at }),
        )
        .execute(),
    getAssignment: (tracking: string) =>
      db.selectFrom('parcel_assignments').selectAll().where('tracking', '=', tracking).executeTakeFirst(),
    /** Ends, at `now`, the bindings of a parcel held by any courier but `courier`. */
    endBindingsExcept: (tracking: string, courier: string, now: string) =>
      db
        .updateTable('relay_bindings')
        .set({ expires_at: now })
        .where('tracking', '=', tracking)
        .where('courier', '!=', courier)
        .where('expires_at', '>', now)
        .execute(),
  };
}
export type WaybillRepo = ReturnType<typeof createWaybillRepo>;
