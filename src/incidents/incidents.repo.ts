import type { Kysely } from 'kysely';
import type { IncidentsTables, IncidentTable } from './incidents.tables.ts';

type Approval = IncidentsTables['incident_approvals'];
type Send = IncidentsTables['incident_sends'];
type Check = IncidentsTables['affected_checks'];

/**
 * The incidents capability's tables: incidents, the approvals and sendings of their texts, and
 * the "was I affected?" challenges. The conditional statements (counting a try, using a code,
 * claiming a sending, meeting a deadline, approving a text) stay single statements, so concurrent requests on any node see one winner.
 * @example const repo = createIncidentsRepo(tablesOf(store.db)); await repo.getIncident('inc_…');
 */
export function createIncidentsRepo(db: Kysely<IncidentsTables>) {
  return {
    /** One incident by id, or undefined. */
    getIncident: (id: string): Promise<IncidentTable | undefined> =>
      db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Stores a newly opened incident. */
    insertIncident: (r: IncidentTable) => db.insertInto('incidents').values(r).execute(),
    /** The latest incidents opened, newest first, at most `limit`. */
    recentIncidents: (limit: number): Promise<IncidentTable[]> =>
      db.selectFrom('incidents').selectAll().orderBy('opened_at', 'desc').limit(limit).execute(),
    /**
     * Replaces an incident's deadlines (JSON) only if they are still `previous`, the text the
     * caller read, in one statement: of two changes at once one wins, and the other, false,
     * reads them again instead of writing over the first.
     */
    async replaceDeadlines(id: string, previous: string, next: string): Promise<boolean> {
      const r = await db
        .updateTable('incidents')
        .set({ deadlines: next })
        .where('id', '=', id)
        .where('deadlines', '=', previous)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
    /** Every incident's scope (JSON list of tokens), discovery time and categories. */
    allScopes: () => db.selectFrom('incidents').select(['subjects', 'discovered_at', 'categories']).execute(),

    /** Every approval of an incident's texts. */
    approvalsOf: (incident: string): Promise<Approval[]> =>
      db.selectFrom('incident_approvals').selectAll().where('incident', '=', incident).execute(),
    /** The approval of one text (document, language) of an incident, if any. */
    approvalOf: (incident: string, doc: string, lang: string): Promise<Approval | undefined> =>
      db
        .selectFrom('incident_approvals')
        .selectAll()
        .where('incident', '=', incident)
        .where('doc', '=', doc)
        .where('lang', '=', lang)
        .executeTakeFirst(),
    /**
     * Replaces the approval of one text with a new one (a new hash, approver and time), only if
     * it is still `prior`, the approval the caller read, in one statement: of officers
     * re-approving at once one does, and the others, false, read what is there now.
     */
    async reapprove(a: Approval, prior: Approval): Promise<boolean> {
      const r = await db
        .updateTable('incident_approvals')
        .set({ text_sha256: a.text_sha256, approved_by: a.approved_by, approved_at: a.approved_at })
        .where('incident', '=', a.incident)
        .where('doc', '=', a.doc)
        .where('lang', '=', a.lang)
        .where('text_sha256', '=', prior.text_sha256)
        .where('approved_by', '=', prior.approved_by)
        .where('approved_at', '=', prior.approved_at)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
    /**
     * Stores the first approval of one text, in one statement; false if one is there already
     * (another officer approved it meanwhile), which is left as it is.
     */
    async insertApproval(a: Approval): Promise<boolean> {
      const r = await db
        .insertInto('incident_approvals')
        .values(a)
        .onConflict((oc) => oc.columns(['incident', 'doc', 'lang']).doNothing())
        .returning('incident')
        .executeTakeFirst();
      return r !== undefined;
    },

    /** An incident's sendings of notices, oldest first. */
    sendsOf: (incident: string): Promise<Send[]> =>
      db.selectFrom('incident_sends').selectAll().where('incident', '=', incident).orderBy('sent_at').execute(),
    /** Claims a sending by inserting its row; false if the row is already there (sent or being sent). */
    async claimSend(s: Send): Promise<boolean> {
      try {
        await db.insertInto('incident_sends').values(s).execute();
        return true;
      } catch {
        return false;
      }
    },
    /** Records a sending's counts once it is done. */
    finishSend: (id: string, counts: Pick<Send, 'langs' | 'sent' | 'unreachable'>) =>
      db.updateTable('incident_sends').set(counts).where('id', '=', id).execute(),

    /** Stores a "was I affected?" challenge. */
    insertCheck: (c: Check) => db.insertInto('affected_checks').values(c).execute(),
    /**
     * Counts one try of a challenge, in one statement that also checks the tries left
     * (`maxAttempts`) and the expiry; undefined when none is left or it has expired.
     */
    countAttempt: (id: string, maxAttempts: number, now: string) =>
      db
        .updateTable('affected_checks')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .where('attempts', '<', maxAttempts)
        .where('expires_at', '>', now)
        .returning(['kind', 'identifier', 'code_hash'])
        .executeTakeFirst(),
    /** Deletes a challenge; true for the one caller that deleted it (a code is used once). */
    async useCheck(id: string): Promise<boolean> {
      const r = await db.deleteFrom('affected_checks').where('id', '=', id).executeTakeFirst();
      return r.numDeletedRows !== 0n;
    },
  };
}
export type IncidentsRepo = ReturnType<typeof createIncidentsRepo>;
