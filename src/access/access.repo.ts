import type { Kysely } from 'kysely';
import type {
  AccessTables,
  ApiKeyTable,
  BreakGlassTable,
  ExplanationTable,
  ExportTable,
  GrantTable,
  StaffTable,
} from './access.tables.ts';

/** Rows an insert that skips a taken key wrote: 0 when the key was taken. */
const inserted = (r: { numInsertedOrUpdatedRows?: bigint | undefined }) => Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
const updated = (r: { numUpdatedRows: bigint }) => r.numUpdatedRows > 0n;

/**
 * The access capability's tables and nothing else: API keys, staff, explanations, grants,
 * break-glass reveals and exports. Every state change that must have one winner (a rotation,
 * a decision, a sign-off, a claim) is one conditional statement, true when it changed a row.
 * @example const repo = createAccessRepo(tablesOf(store.db)); await repo.getStaff('u-17');
 */
export function createAccessRepo(db: Kysely<AccessTables>) {
  return {
    // API keys.

    /** Stores a new API key. */
    insertApiKey: (row: ApiKeyTable) => db.insertInto('api_keys').values(row).execute(),
    /** The API key with this id, revoked or not. */
    getApiKey: (id: string) => db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Every API key, oldest first. */
    listApiKeys: () => db.selectFrom('api_keys').selectAll().orderBy('created_at').execute(),
    /** Replaces an active key's secret, only if it is still `previousHash`: of two rotations at once, one wins. */
    async rotateApiKey(
      id: string,
      previousHash: Buffer,
      set: Pick<ApiKeyTable, 'secret_hash' | 'rotated_at' | 'expires_at'>,
    ): Promise<boolean> {
      return updated(
        await db
          .updateTable('api_keys')
          .set(set)
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .where('secret_hash', '=', previousHash)
          .executeTakeFirst(),
      );
    },
    /** Revokes a key not yet revoked; false if there is none. */
    async revokeApiKey(id: string, at: string): Promise<boolean> {
      return updated(
        await db
          .updateTable('api_keys')
          .set({ revoked_at: at })
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .executeTakeFirst(),
      );
    },
    /** How many API keys there are, revoked included. */
    async countApiKeys(): Promise<number> {
      const r = await db
        .selectFrom('api_keys')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    // Staff.

    /** Stores a new staff member; false, and nothing written, when the id is taken. */
    async insertStaff(row: StaffTable): Promise<boolean> {
      return inserted(
        await db
          .insertInto('staff')
          .values(row)
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst(),
      );
    },
    /** The staff member with this id, disabled or not. */
    getStaff: (id: string) => db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst(),
    /** True when a staff member has this id. */
    async staffExists(id: string): Promise<boolean> {
      return (await db.selectFrom('staff').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
    },
    /** Every staff member, by id. */
    listStaff: () => db.selectFrom('staff').selectAll().orderBy('id').execute(),
    /** Gives an active (not disabled) staff member a new sign-in token; false if there is none. */
    async replaceStaffToken(
      id: string,
      set: Pick<StaffTable, 'token_hash' | 'token_expires_at' | 'token_revoked_at'>,
    ): Promise<boolean> {
      return updated(
        await db.updateTable('staff').set(set).where('id', '=', id).where('disabled_at', 'is', null).executeTakeFirst(),
      );
    },
    /** Revokes a staff member's token not yet revoked; false if unknown or already revoked. */
    async revokeStaffToken(id: string, at: string): Promise<boolean> {
      return updated(
        await db
          .updateTable('staff')
          .set({ token_revoked_at: at })
          .where('id', '=', id)
          .where('token_revoked_at', 'is', null)
          .executeTakeFirst(),
      );
    },
    /** Disables an active staff member; false if there is none. */
    async disableStaff(id: string, at: string): Promise<boolean> {
      return updated(
        await db
          .updateTable('staff')
          .set({ disabled_at: at })
          .where('id', '=', id)
          .where('disabled_at', 'is', null)
          .executeTakeFirst(),
      );
    },

    // Explanations.

    /** Stores an explanation; false, and nothing written, when the id is taken. */
    async insertExplanation(row: ExplanationTable): Promise<boolean> {
      return inserted(
        await db
          .insertInto('explanations')
          .values(row)
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst(),
      );
    },
    /** Closes an open explanation; false if there is none open with this id. */
    async closeExplanation(id: string, at: string): Promise<boolean> {
      return updated(
        await db
          .updateTable('explanations')
          .set({ status: 'closed', closed_at: at })
          .where('id', '=', id)
          .where('status', '=', 'open')
          .executeTakeFirst(),
      );
    },
    /** The explanation with this id. */
    getExplanation: (id: string) => db.selectFrom('explanations').selectAll().where('id', '=', id).executeTakeFirst(),
    /** The latest `limit` closed explanations of `kind`, latest opened first. */
    recentClosedExplanations: (kind: string, limit: number) =>
      db
        .selectFrom('explanations')
        .select(['id', 'staff_id', 'opened_at', 'closed_at'])
        .where('kind', '=', kind)
        .where('status', '=', 'closed')
        .orderBy('opened_at', 'desc')
        .limit(limit)
        .execute(),

    // Grants.

    /** Stores a grant request. */
    insertGrant: (row: GrantTable) => db.insertInto('grants').values(row).execute(),
    /** The grant with this id. */
    getGrant: (id: string) => db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Approved grants of `staff` for `subject` and `purpose` still in force at `now` (any fields). */
    approvedGrantsFor: (staff: string, subject: string, purpose: string, now: string) =>
      db
        .selectFrom('grants')
        .selectAll()
        .where('requester', '=', staff)
        .where('subject', '=', subject)
        .where('status', '=', 'approved')
        .where('purpose', '=', purpose)
        .where('expires_at', '>', now)
        .execute(),
    /** Decides a pending grant; false if it was decided meanwhile. */
    async decideGrant(
      id: string,
      set: Pick<GrantTable, 'status' | 'approver' | 'decided_at'> & Partial<Pick<GrantTable, 'expires_at'>>,
    ): Promise<boolean> {
      return updated(
        await db.updateTable('grants').set(set).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst(),
      );
    },
    /** The latest 500 grants, latest asked first, of one status if given. */
    listGrants(status?: string) {
      let q = db.selectFrom('grants').selectAll().orderBy('requested_at', 'desc').limit(500);
      if (status) q = q.where('status', '=', status);
      return q.execute();
    },
    /** Suspends every approved grant of `staff` still in force at `now`; the ids found in force. */
    async suspendLiveGrants(staff: string, now: string): Promise<string[]> {
      const live = await db
        .selectFrom('grants')
        .select('id')
        .where('requester', '=', staff)
        .where('status', '=', 'approved')
        .where('expires_at', '>', now)
        .execute();
      if (live.length === 0) return [];
      const ids = live.map((g) => g.id);
      await db
        .updateTable('grants')
        .set({ status: 'suspended' })
        .where('id', 'in', ids)
        .where('status', '=', 'approved')
        .execute();
      return ids;
    },
    /** Puts those of `ids` that are suspended back in force; their ids. */
    async restoreSuspendedGrants(ids: readonly string[]): Promise<string[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('grants')
        .select('id')
        .where('id', 'in', [...ids])
        .where('status', '=', 'suspended')
        .execute();
      if (rows.length)
        await db
          .updateTable('grants')
          .set({ status: 'approved' })
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .execute();
      return rows.map((r) => r.id);
    },

    // Break-glass reveals.

    /** Lists a break-glass reveal for review. */
    insertBreakGlass: (row: BreakGlassTable) => db.insertInto('break_glass').values(row).execute(),
    /** The break-glass reveal at this audit index. */
    getBreakGlass: (auditIndex: number) =>
      db.selectFrom('break_glass').selectAll().where('audit_index', '=', auditIndex).executeTakeFirst(),
    /** The first 1000 break-glass reveals in log order; only those not yet signed off when `pendingOnly`. */
    listBreakGlass(pendingOnly: boolean) {
      let q = db.selectFrom('break_glass').selectAll().orderBy('audit_index').limit(1000);
      if (pendingOnly) q = q.where('reviewed_by', 'is', null);
      return q.execute();
    },
    /** Signs a break-glass reveal off, once; false if it already was. */
    async signOffBreakGlass(
      auditIndex: number,
      set: Pick<BreakGlassTable, 'reviewed_by' | 'reviewed_at' | 'review_note'>,
    ): Promise<boolean> {
      return updated(
        await db
          .updateTable('break_glass')
          .set(set)
          .where('audit_index', '=', auditIndex)
          .where('reviewed_by', 'is', null)
          .executeTakeFirst(),
      );
    },

    // Exports.

    /** Stores an export request. */
    insertExport: (row: ExportTable) => db.insertInto('exports').values(row).execute(),
    /** The export with this id. */
    getExport: (id: string) => db.selectFrom('exports').selectAll().where('id', '=', id).executeTakeFirst(),
    /**
     * Decides an export still open, pending or claimed (`writing`) before `staleBefore` by a
     * writer that died, in one statement: of two deciders at once one wins, and one being
     * written by a live approval is not touched. False when it was decided meanwhile.
     */
    async decideExport(
      id: string,
      status: 'refused' | 'writing',
      approver: string,
      at: string,
      staleBefore: string,
    ): Promise<boolean> {
      return updated(
        await db
          .updateTable('exports')
          .set({ status, approver, decided_at: at })
          .where('id', '=', id)
          .where((eb) =>
            eb.or([
              eb('status', '=', 'pending'),
              eb.and([eb('status', '=', 'writing'), eb('decided_at', '<', staleBefore)]),
            ]),
          )
          .executeTakeFirst(),
      );
    },
    /** Puts an export back to pending, undecided (its writing failed). */
    reopenExport: (id: string) =>
      db
        .updateTable('exports')
        .set({ status: 'pending', approver: null, decided_at: null })
        .where('id', '=', id)
        .execute(),
    /** Marks an export written, with its file, row count and SHA-256. */
    markExportWritten: (id: string, out: { rows: number; file: string; sha256: string }) =>
      db
        .updateTable('exports')
        .set({ status: 'written', rows: out.rows, file: out.file, sha256: out.sha256 })
        .where('id', '=', id)
        .execute(),
    /** The latest 500 exports, latest asked first, of one status if given. */
    listExports(status?: string) {
      let q = db.selectFrom('exports').selectAll().orderBy('requested_at', 'desc').limit(500);
      if (status) q = q.where('status', '=', status);
      return q.execute();
    },
  };
}
export type AccessRepo = ReturnType<typeof createAccessRepo>;
