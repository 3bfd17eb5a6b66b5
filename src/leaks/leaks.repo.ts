import { sql, type Kysely } from 'kysely';
import type { LeaksTables, LeakTraceTable } from './leaks.tables.ts';

/** How a trace ended: done with its report, or failed with its error. */
export type TraceEnd =
  { status: 'done'; report: string; finished_at: string } | { status: 'failed'; error: string; finished_at: string };

const updated = (r: { numUpdatedRows: bigint }) => r.numUpdatedRows > 0n;

/**
 * The leaks capability's tables: uploaded files being traced (`leak_traces`) and the bytes
 * each uploader holds (`trace_quotas`). Taking quota and recording an upload, and giving the
 * bytes back when a file is purged or deleted, are each one transaction; the quota is taken
 * by one conditional statement, so concurrent uploads on any number of nodes cannot pass it.
 * A trace is claimed, renewed and finished by one conditional statement each (a node id and a
 * lease), so of many nodes one traces it, and one whose lease was taken over writes nothing.
 * @example const repo = createLeaksRepo(tablesOf(store.db)); await repo.heldBy('staff:u-1');
 */
export function createLeaksRepo(db: Kysely<LeaksTables>) {
  return {
    /** Bytes of uploaded files `uploader` holds (0 with no row). */
    async heldBy(uploader: string): Promise<number> {
      const r = await db.selectFrom('trace_quotas').select('held').where('uploader', '=', uploader).executeTakeFirst();
      return Number(r?.held ?? 0);
    },

    /** One investigation's row, or undefined. */
    getTrace: (id: string): Promise<LeakTraceTable | undefined> =>
      db.selectFrom('leak_traces').selectAll().where('id', '=', id).executeTakeFirst(),
    /** The latest investigations uploaded, newest first, at most `limit`, without their reports. */
    recentTraces: (limit: number) =>
      db
        .selectFrom('leak_traces')
        .select([
          'id',
          'name',
          'bytes',
          'sha256',
          'status',
          'error',
          'uploaded_by',
          'uploaded_at',
          'finished_at',
          'purged_at',
        ])
        .orderBy('uploaded_at', 'desc')
        .limit(limit)
        .execute(),
    /** Ids of the investigations left queued or half-traced, oldest upload first. */
    unfinishedTraces: () =>
      db
        .selectFrom('leak_traces')
        .select('id')
        .where('status', 'in', ['queued', 'tracing'])
        .orderBy('uploaded_at')
        .execute(),
    /** Traced (done or failed) investigations uploaded before `before` whose file is not yet purged. */
    expiredTraces: (before: string) =>
      db
        .selectFrom('leak_traces')
        .select(['id', 'bytes', 'uploaded_by'])
        .where('status', 'in', ['done', 'failed'])
        .where('purged_at', 'is', null)
        .where('uploaded_at', '<', before)
        .execute(),

    /**
     * Claims an investigation for `owner` until `until`, in one statement: a queued one, or one
     * being traced whose lease ended before `now` (its node died or stalled) or that has no lease
     * (left by a version without claims). Of many nodes at once one wins; true when this one did.
     */
    async claimTrace(id: string, owner: string, now: string, until: string): Promise<boolean> {
      return updated(
        await db
          .updateTable('leak_traces')
          .set({ status: 'tracing', claimed_by: owner, lease_until: until })
          .where('id', '=', id)
          .where((eb) =>
            eb.or([
              eb('status', '=', 'queued'),
              eb.and([
                eb('status', '=', 'tracing'),
                eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]),
              ]),
            ]),
          )
          .executeTakeFirst(),
      );
    },
    /** Extends `owner`'s claim to `until`; false (nothing written) once the claim is no longer its. */
    async renewClaim(id: string, owner: string, until: string): Promise<boolean> {
      return updated(
        await db
          .updateTable('leak_traces')
          .set({ lease_until: until })
          .where('id', '=', id)
          .where('status', '=', 'tracing')
          .where('claimed_by', '=', owner)
          .executeTakeFirst(),
      );
    },
    /**
     * Records an investigation's end, done with its report or failed with its error, only while
     * `owner` still holds its claim (fencing: a node whose lease another node took over cannot
     * overwrite the successor's result). False, with nothing written, when it no longer does.
     */
    async finishTrace(id: string, owner: string, end: TraceEnd): Promise<boolean> {
      return updated(
        await db
          .updateTable('leak_traces')
          .set({ ...end, lease_until: null })
          .where('id', '=', id)
          .where('status', '=', 'tracing')
          .where('claimed_by', '=', owner)
          .executeTakeFirst(),
      );
    },

    /**
     * Takes `bytes` of `uploader`'s quota (at most `quota` held) and records the upload, in one
     * transaction; false, with nothing written, when the upload does not fit.
     */
    recordUpload: (r: LeakTraceTable, quota: number): Promise<boolean> =>
      db.transaction().execute(async (trx) => {
        const took = await sql<{
          held: number;
        }>`insert into trace_quotas (uploader, held) select cast(${r.uploaded_by} as text), cast(${r.bytes} as bigint) where cast(${r.bytes} as bigint) <= cast(${quota} as bigint)
          on conflict (uploader) do update set held = trace_quotas.held + excluded.held where trace_quotas.held + excluded.held <= cast(${quota} as bigint)
          returning held`.execute(trx);
        if (took.rows.length === 0) return false;
        await trx.insertInto('leak_traces').values(r).execute();
        return true;
      }),

    /**
     * Marks an investigation's file purged at `at` and gives its bytes back to its uploader,
     * in one transaction; false when it was already purged (by another node).
     */
    purgeTrace: (t: { id: string; bytes: number; uploaded_by: string }, at: string): Promise<boolean> =>
      db.transaction().execute(async (trx) => {
        const u = await trx
          .updateTable('leak_traces')
          .set({ purged_at: at })
          .where('id', '=', t.id)
          .where('purged_at', 'is', null)
          .executeTakeFirst();
        if (Number(u.numUpdatedRows) === 0) return false; // another node purged it
        await sql`update trace_quotas set held = held - ${t.bytes} where uploader = ${t.uploaded_by}`.execute(trx);
        return true;
      }),

    /**
     * Deletes an investigation's record and, unless its file was purged already, gives its
     * bytes back to `uploader`, in one transaction.
     */
    deleteTrace: (id: string, uploader: string): Promise<void> =>
      db.transaction().execute(async (trx) => {
        // What the row was when deleted (another node may have purged its file meanwhile).
        const d = await trx
          .deleteFrom('leak_traces')
          .where('id', '=', id)
          .returning(['purged_at', 'bytes'])
          .executeTakeFirst();
        if (d && d.purged_at === null)
          await sql`update trace_quotas set held = held - ${Number(d.bytes)} where uploader = ${uploader}`.execute(trx);
      }),
  };
}
export type LeaksRepo = ReturnType<typeof createLeaksRepo>;
