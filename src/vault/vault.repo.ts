import type { Kysely, Transaction } from 'kysely';
import type { VaultTables } from './vault.tables.ts';
import type { Store } from '../store/db.ts';
import type { IndexScope, SealedSubject } from './vault.types.ts';

type Db = Kysely<VaultTables> | Transaction<VaultTables>;
const CHUNK = 500; // ids per IN (...) list

function chunks<T>(rows: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

export type DataKeyRow = {
  readonly subjectId: number;
  readonly token: string;
  readonly dekVersion: number;
  readonly kekVersion: number;
  readonly wrapped: Buffer;
};
/** A sealed subject with the internal id it is stored under. */
export type NumberedSubject = { readonly id: number; readonly sealed: SealedSubject };

/**
 * The vault's tables and nothing else: subjects, their sealed fields and masks, blind
 * indexes, and (apart, in the key store) the wrapped data keys. Rows are keyed by the
 * subject's internal sequential id; the token is looked up once, in `getSubject`.
 * Every method takes an optional transaction.
 */
/** A subject by one blind index value (SQLite's bulk path: one point lookup each). */
const FIND_BY_INDEX =
  'select s.token from vault_index i join vault_subjects s on s.id = i.subject_id where i.scope = ? and i.hash = ? and s.erased_at is null';

export function createVaultRepo(store: Pick<Store<VaultTables>, 'db' | 'insertRows' | 'selectEach'>) {
  const db = store.db;
  return {
    transaction: <T>(fn: (trx: Transaction<VaultTables>) => Promise<T>) => db.transaction().execute(fn),

    /** Reserves `n` sequential subject ids (gaps are harmless; ids are never shown). */
    async allocateIds(n: number, tx: Db = db): Promise<number> {
      const r = await tx
        .updateTable('id_alloc')
        .set((eb) => ({ next_id: eb('next_id', '+', n) }))
        .where('name', '=', 'subject')
        .returning('next_id')
        .executeTakeFirstOrThrow();
      return Number(r.next_id) - n;
    },

    /** Stores wrapped data keys (in the key store, its own transaction: written before the data). */
    async insertDataKeys(rows: readonly DataKeyRow[], createdAt: string): Promise<void> {
      await db.transaction().execute((trx) =>
        store.insertRows(
          trx,
          'cloak_keys.vault_data_keys',
          ['subject_id', 'token', 'dek_version', 'kek_version', 'wrapped', 'created_at'],
          rows.map((r) => [r.subjectId, r.token, r.dekVersion, r.kekVersion, r.wrapped, createdAt]),
        ),
      );
    },

    /** Stores sealed subjects with their fields and indexes, in the transaction `tx`. */
    async insertSubjects(
      subjects: readonly NumberedSubject[],
      createdAt: string,
      dekVersion: number,
      tx: Transaction<VaultTables>,
    ): Promise<void> {
      await store.insertRows(
        tx,
        'vault_subjects',
        ['id', 'token', 'kind', 'external_id', 'dek_version', 'created_at'],
        subjects.map(({ id, sealed: s }) => [id, s.token, s.kind, s.externalId, dekVersion, createdAt]),
      );
      const fields = subjects.flatMap(({ id, sealed }) => sealed.fields.map((f) => [id, f.field, f.sealed, f.mask]));
      await store.insertRows(tx, 'vault_fields', ['subject_id', 'field', 'sealed', 'mask'], fields);
      const index = subjects.flatMap(({ id, sealed }) => sealed.index.map((i) => [i.scope, i.hash, id]));
      await store.insertRows(tx, 'vault_index', ['scope', 'hash', 'subject_id'], index);
    },

    /** Tokens of the subjects of `kind` that already have these external ids. */
    async tokensByExternalId(kind: string, externalIds: readonly string[], tx: Db = db): Promise<Map<string, string>> {
      const found = new Map<string, string>();
      for (const c of chunks(externalIds)) {
        const rows = await tx
          .selectFrom('vault_subjects')
          .select(['external_id', 'token'])
          .where('kind', '=', kind)
          .where('external_id', 'in', c)
          .where('erased_at', 'is', null)
          .execute();
        for (const r of rows) found.set(r.external_id!, r.token);
      }
      return found;
    },

    /** Live subjects after internal id `after`, in id order, with their masks (exports). */
    async pageSubjects(
      after: number,
      limit: number,
      kind?: string,
    ): Promise<{ id: number; token: string; kind: string; created_at: string; masks: Record<string, string> }[]> {
      let q = db
        .selectFrom('vault_subjects')
        .select(['id', 'token', 'kind', 'created_at'])
        .where('id', '>', after)
        .where('erased_at', 'is', null)
        .orderBy('id')
        .limit(limit);
      if (kind) q = q.where('kind', '=', kind);
      const subjects = await q.execute();
      if (subjects.length === 0) return [];
      const masks = await db
        .selectFrom('vault_fields')
        .select(['subject_id', 'field', 'mask'])
        .where(
          'subject_id',
          'in',
          subjects.map((s) => s.id),
        )
        .execute();
      const by = new Map<number, Record<string, string>>();
      for (const m of masks)
        (by.get(Number(m.subject_id)) ?? by.set(Number(m.subject_id), {}).get(Number(m.subject_id))!)[m.field] = m.mask;
      return subjects.map((s) => ({ ...s, id: Number(s.id), masks: by.get(Number(s.id)) ?? {} }));
    },

    async getSubject(token: string, tx: Db = db) {
      return tx.selectFrom('vault_subjects').selectAll().where('token', '=', token).executeTakeFirst();
    },

    async getMasks(subjectId: number, tx: Db = db): Promise<{ field: string; mask: string }[]> {
      return tx
        .selectFrom('vault_fields')
        .select(['field', 'mask'])
        .where('subject_id', '=', subjectId)
        .orderBy('field')
        .execute();
    },

    async getSealedField(subjectId: number, field: string, tx: Db = db) {
      return tx
        .selectFrom('vault_fields')
        .select(['sealed'])
        .where('subject_id', '=', subjectId)
        .where('field', '=', field)
        .executeTakeFirst();
    },

    async getDataKey(subjectId: number, tx: Db = db): Promise<DataKeyRow | undefined> {
      const r = await tx
        .selectFrom('cloak_keys.vault_data_keys')
        .selectAll()
        .where('subject_id', '=', subjectId)
        .executeTakeFirst();
      return r && toKeyRow(r);
    },

    /** Tokens of live subjects whose blind index in `scope` equals `hash`. */
    /** Live subjects' tokens for many blind-index hashes of one scope at once, by hash (hex). */
    /** The live subjects' tokens of each hash, in the order of `hashes` (tracing a leak). */
    async findEachByIndex(scope: IndexScope, hashes: readonly Buffer[]): Promise<string[][]> {
      if (store.selectEach)
        return store
          .selectEach(
            FIND_BY_INDEX,
            hashes.map((h) => [scope, h]),
          )
          .map((rows) => rows.map((r) => (r as [string])[0]));
      const byHex = new Map<string, string[]>();
      for (let i = 0; i < hashes.length; i += 500) {
        const rows = await db
          .selectFrom('vault_index')
          .innerJoin('vault_subjects', 'vault_subjects.id', 'vault_index.subject_id')
          .select(['vault_index.hash', 'vault_subjects.token'])
          .where('vault_index.scope', '=', scope)
          .where('vault_index.hash', 'in', hashes.slice(i, i + 500) as Buffer[])
          .where('vault_subjects.erased_at', 'is', null)
          .execute();
        for (const r of rows) {
          const k = Buffer.from(r.hash).toString('hex');
          (byHex.get(k) ?? byHex.set(k, []).get(k)!).push(r.token);
        }
      }
      return hashes.map((h) => byHex.get(h.toString('hex')) ?? []);
    },

    async findByIndex(scope: IndexScope, hash: Buffer, limit: number, tx: Db = db): Promise<string[]> {
      const rows = await tx
        .selectFrom('vault_index')
        .innerJoin('vault_subjects', 'vault_subjects.id', 'vault_index.subject_id')
        .select('vault_subjects.token')
        .where('vault_index.scope', '=', scope)
        .where('vault_index.hash', '=', hash)
        .where('vault_subjects.erased_at', 'is', null)
        .orderBy('vault_subjects.token')
        .limit(limit)
        .execute();
      return rows.map((r) => r.token);
    },

    /** Destroys a subject's wrapped data key: the crypto-shred. */
    async deleteDataKey(subjectId: number, tx: Db = db): Promise<boolean> {
      const r = await tx
        .deleteFrom('cloak_keys.vault_data_keys')
        .where('subject_id', '=', subjectId)
        .executeTakeFirst();
      return r.numDeletedRows > 0n;
    },

    /**
     * Removes what is left of an erased subject (ciphertexts, masks, indexes) and marks it
     * erased. Its external id is dropped too: it may itself say who the person was, and the
     * platform may create a new subject under it.
     */
    async eraseSubjectData(subjectId: number, erasedAt: string, tx: Db = db): Promise<void> {
      await tx.deleteFrom('vault_fields').where('subject_id', '=', subjectId).execute();
      await tx.deleteFrom('vault_index').where('subject_id', '=', subjectId).execute();
      await tx
        .updateTable('vault_subjects')
        .set({ erased_at: erasedAt, external_id: null })
        .where('id', '=', subjectId)
        .where('erased_at', 'is', null)
        .execute();
    },

    /** Data keys still wrapped under another KEK version than `active`, after `afterId`. */
    async keysNotUnder(active: number, afterId: number, limit: number, tx: Db = db): Promise<DataKeyRow[]> {
      const rows = await tx
        .selectFrom('cloak_keys.vault_data_keys')
        .selectAll()
        .where('kek_version', '!=', active)
        .where('subject_id', '>', afterId)
        .orderBy('subject_id')
        .limit(limit)
        .execute();
      return rows.map(toKeyRow);
    },

    /** Replaces a wrapped key, only if it is still wrapped under `fromVersion` (another rewrapper may have won). */
    async replaceWrapped(
      subjectId: number,
      fromVersion: number,
      toVersion: number,
      wrapped: Buffer,
      tx: Db = db,
    ): Promise<boolean> {
      const r = await tx
        .updateTable('cloak_keys.vault_data_keys')
        .set({ kek_version: toVersion, wrapped })
        .where('subject_id', '=', subjectId)
        .where('kek_version', '=', fromVersion)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async countKeysByVersion(tx: Db = db): Promise<Map<number, number>> {
      const rows = await tx
        .selectFrom('cloak_keys.vault_data_keys')
        .select(['kek_version', (eb) => eb.fn.countAll<string | number>().as('n')])
        .groupBy('kek_version')
        .execute();
      return new Map(rows.map((r) => [r.kek_version, Number(r.n)]));
    },

    /**
     * Deletes data keys whose subject was never written (a crash between the key store's
     * commit and the data's), once older than `before` so a write in flight is left alone.
     */
    async deleteOrphanKeys(before: string, tx: Db = db): Promise<number> {
      const r = await tx
        .deleteFrom('cloak_keys.vault_data_keys')
        .where('created_at', '<', before)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('vault_subjects')
                .select('vault_subjects.id')
                .whereRef('vault_subjects.id', '=', 'cloak_keys.vault_data_keys.subject_id'),
            ),
          ),
        )
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    async countSubjects(tx: Db = db): Promise<number> {
      const r = await tx
        .selectFrom('vault_subjects')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('erased_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** The external ids of the latest subjects of `kind` that have one, newest first. */
    async recentExternalIds(kind: string, limit: number, tx: Db = db): Promise<string[]> {
      const rows = await tx
        .selectFrom('vault_subjects')
        .select('external_id')
        .where('kind', '=', kind)
        .where('external_id', 'is not', null)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => r.external_id!);
    },
  };
}
export type VaultRepo = ReturnType<typeof createVaultRepo>;

function toKeyRow(r: {
  subject_id: number;
  token: string;
  dek_version: number;
  kek_version: number;
  wrapped: Buffer;
}): DataKeyRow {
  return {
    subjectId: Number(r.subject_id),
    token: r.token,
    dekVersion: r.dek_version,
    kekVersion: r.kek_version,
    wrapped: r.wrapped,
  };
}
