import type { Kysely } from 'kysely';
import type { CaseTable, DetectTables } from './detect.tables.ts';

/** Thrown inside a transaction to roll it back; never leaves this file. */
const ROLLBACK = Symbol('rollback');

/** Detection's table: its cases (one open per actor), with their alerts, actions and comments. */
export function createDetectRepo(db: Kysely<DetectTables>) {
  return {
    /** One case by its id. */
    getCase: (id: string) => db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst(),

    /** The open case of an actor, if there is one. */
    openCaseOf: (actor: string) =>
      db.selectFrom('cases').selectAll().where('actor', '=', actor).where('status', '=', 'open').executeTakeFirst(),

    /** Stores a new case. */
    insertCase: (row: CaseTable) => db.insertInto('cases').values(row).execute(),

    /** Changes these columns of one case. */
    updateCase: (id: string, set: Partial<CaseTable>) =>
      db.updateTable('cases').set(set).where('id', '=', id).execute(),

    /** The most recently updated cases, at most `limit`, of one status and one actor when given. */
    recentCases(filter: { limit: number; status?: string | undefined; actor?: string | undefined }) {
      let q = db.selectFrom('cases').selectAll().orderBy('updated_at', 'desc').limit(filter.limit);
      if (filter.status) q = q.where('status', '=', filter.status);
      if (filter.actor) q = q.where('actor', '=', filter.actor);
      return q.execute();
    },

    /** An actor's cases, newest opened first (at most 100). */
    casesOfActor: (actor: string) =>
      db.selectFrom('cases').selectAll().where('actor', '=', actor).orderBy('opened_at', 'desc').limit(100).execute(),

    /** The cases with these ids (those that exist, in no order). */
    casesByIds: (ids: readonly string[]) =>
      db
        .selectFrom('cases')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute(),

    /**
     * Changes these columns of every case of `ids` if every one is still open, in one
     * transaction: false, and nothing changed, when any one is not (closed meanwhile, or gone).
     */
    async updateAllOpen(ids: readonly string[], set: Partial<CaseTable>): Promise<boolean> {
      try {
        await db.transaction().execute(async (tx) => {
          const r = await tx
            .updateTable('cases')
            .set(set)
            .where('id', 'in', [...ids])
            .where('status', '=', 'open')
            .executeTakeFirst();
          if (Number(r.numUpdatedRows) !== ids.length) throw ROLLBACK;
        });
        return true;
      } catch (e) {
        if (e === ROLLBACK) return false;
        throw e;
      }
    },
  };
}
export type DetectRepo = ReturnType<typeof createDetectRepo>;
