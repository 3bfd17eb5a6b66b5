import type { Kysely } from 'kysely';
import type { Database, ParcelScanTable, ParcelTable, RelayBindingTable } from '../store/schema.ts';
import type { Store } from '../store/db.ts';

/** The waybill capability's tables: parcels and their scans. */
export function createWaybillRepo(store: Pick<Store, 'db' | 'insertRows'>) {
  const db: Kysely<Database> = store.db;
  return {
    insertParcel: (p: ParcelTable) => db.insertInto('parcels').values(p).execute(),
    getParcel: (tracking: string) => db.selectFrom('parcels').selectAll().where('tracking', '=', tracking).executeTakeFirst(),
    async getParcels(trackings: readonly string[]): Promise<Map<string, ParcelTable>> {
      const out = new Map<string, ParcelTable>();
      const unique = [...new Set(trackings)];
      for (let i = 0; i < unique.length; i += 500) {
        for (const p of await db.selectFrom('parcels').selectAll().where('tracking', 'in', unique.slice(i, i + 500)).execute()) out.set(p.tracking, p);
      }
      return out;
    },
    timeline: (tracking: string) => db.selectFrom('parcel_scans').selectAll().where('tracking', '=', tracking).orderBy('at').execute(),
    /** Stores a batch of scans and moves each parcel to its latest step, in one transaction. */
    async recordScans(scans: readonly ParcelScanTable[], at: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await store.insertRows(trx, 'parcel_scans', ['tracking', 'at', 'step', 'station', 'device'], scans.map((s) => [s.tracking, s.at, s.step, s.station, s.device]));
        const latest = new Map<string, string>();
        for (const s of [...scans].sort((a, b) => a.at.localeCompare(b.at))) latest.set(s.tracking, s.step);
        // One UPDATE per step (four at most), not one per parcel.
        const byStep = new Map<string, string[]>();
        for (const [tracking, step] of latest) {
          const list = byStep.get(step);
          if (list) list.push(tracking);
          else byStep.set(step, [tracking]);
        }
        for (const [step, trackings] of byStep) {
          for (let i = 0; i < trackings.length; i += 500) await trx.updateTable('parcels').set({ status: step, updated_at: at }).where('tracking', 'in', trackings.slice(i, i + 500)).execute();
        }
      });
    },

    /** A device's recent scans, newest first. */
    scansByDevice: (device: string, limit: number) => db.selectFrom('parcel_scans').selectAll().where('device', '=', device).orderBy('at', 'desc').limit(limit).execute(),
    assign: (a: { tracking: string; courier: string; day: string; assigned_at: string }) =>
      db.insertInto('parcel_assignments').values(a).onConflict((oc) => oc.column('tracking').doUpdateSet({ courier: a.courier, day: a.day, assigned_at: a.assigned_at })).execute(),
    getAssignment: (tracking: string) => db.selectFrom('parcel_assignments').selectAll().where('tracking', '=', tracking).executeTakeFirst(),
    /** When the parcel was delivered, if it was. */
    async deliveredAt(tracking: string): Promise<string | undefined> {
      const r = await db.selectFrom('parcel_scans').select('at').where('tracking', '=', tracking).where('step', '=', 'delivered').orderBy('at').limit(1).executeTakeFirst();
      return r?.at;
    },
    /** The latest binding of this courier for this parcel. */
    bindingOf: (tracking: string, courier: string) =>
      db.selectFrom('relay_bindings').selectAll().where('tracking', '=', tracking).where('courier', '=', courier).orderBy('created_at', 'desc').limit(1).executeTakeFirst(),
    /** Numbers bound until after `now`: not free for another binding. */
    async busyNumbers(now: string): Promise<Set<string>> {
      const rows = await db.selectFrom('relay_bindings').select('number').where('expires_at', '>', now).execute();
      return new Set(rows.map((r) => r.number));
    },
    insertBinding: (b: RelayBindingTable) => db.insertInto('relay_bindings').values(b).execute(),
  };
}
export type WaybillRepo = ReturnType<typeof createWaybillRepo>;
